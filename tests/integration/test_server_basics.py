"""The server's foundation, driven by psql and psycopg 3 and compared with PostgreSQL 15.

Covers issue 2's list: connect, DDL, DML with row counts, SELECT of the basic types,
transactions (commit, rollback, failed state), errors with SQLSTATE, multi-statement
strings, the empty query, databases (CREATE/DROP, 3D000), persistence across restarts.
"""

import psycopg
import pytest

from pgharness import clients


def test_psql_select_1_prints_what_postgresql_prints(pgwire_server, pg_oracle):
    ours = clients.psql_exact(pgwire_server, "select 1")
    theirs = clients.psql_exact(pg_oracle, "select 1")
    assert ours.stdout == theirs.stdout
    assert ours.returncode == 0


def test_psql_over_unix_socket(pgwire_server):
    out = clients.psql_run(pgwire_server, "select 40 + 2", "-A", "-t", check=True, flags=("-X", "-h", pgwire_server.socket_dir))
    assert out.stdout.strip() == "42"


@pytest.mark.parametrize("sql", [
    "select 1",
    "select 1 as a, 'x' as b, null as c",
    "select 2147483647, 9223372036854775807, -5",
    "select 1.5, 0.1 + 0.2",
    "select true, false, 't'::boolean",
    "select 'hello'::text, 'x'::varchar(3)",
    "select 1.5::float8, 2.5::real",
    "select '2024-01-31'::date, '2024-01-31 12:34:56.789'::timestamp",
    "select '\\x00ff'::bytea",
    "select 3 / 2, 3 % 2, -7 / 2",
    "select 'a' || 'b', length('héllo')",
    "select coalesce(null, 1), nullif(1, 1), greatest(1, 5, 3), least(4, 2)",
    "select case when 1 > 2 then 'x' else 'y' end",
    "select 1 in (1, 2), 3 not in (1, 2), 2 between 1 and 3",
    "select 'abc' like 'a%', 'ABC' like 'a%'",
])
def test_basic_selects_match_postgresql(sql, pgwire_conn, oracle_conn):
    clients.assert_same(sql, oracle_conn, pgwire_conn)


def test_ddl_and_dml_with_row_counts(pgwire_conn, oracle_conn):
    script = [
        "drop table if exists basics_t",
        "create table basics_t (id int primary key, name text not null, qty int default 0)",
        "insert into basics_t values (1, 'a', 5), (2, 'b', 6), (3, 'c', 7)",
        "insert into basics_t (id, name) values (4, 'd')",
        "select id, name, qty from basics_t order by id",
        "update basics_t set qty = qty + 1 where id > 1",
        "delete from basics_t where id = 3",
        "delete from basics_t where id = 99",
        "select count(*), sum(qty), min(name), max(name) from basics_t",
        "insert into basics_t values (5, 'e', 1) returning id, qty * 2 as double",
        "update basics_t set name = upper(name) where id = 5 returning *",
        "drop table basics_t",
    ]
    for sql in script:
        clients.assert_same(sql, oracle_conn, pgwire_conn)


def test_errors_carry_postgresql_sqlstates(pgwire_conn, oracle_conn):
    oracle_conn.execute("drop table if exists basics_e")
    pgwire_conn.execute("drop table if exists basics_e")
    for conn in (oracle_conn, pgwire_conn):
        conn.execute("create table basics_e (id int primary key, v text not null)")
        conn.execute("insert into basics_e values (1, 'x')")
    for sql in [
        "select * from no_such_table",
        "select no_such_column from basics_e",
        "select 1/0",
        "selec 1",
        "insert into basics_e values (1, 'dup')",
        "insert into basics_e values (2, null)",
        "select 'abc'::int",
        "select * from basics_e where id = 'x'",
    ]:
        clients.assert_same(sql, oracle_conn, pgwire_conn)
    for conn in (oracle_conn, pgwire_conn):
        conn.execute("drop table basics_e")


def test_syntax_error_position(pgwire_conn):
    with pytest.raises(psycopg.errors.SyntaxError) as e:
        pgwire_conn.execute("select 1 from from")
    assert e.value.diag.sqlstate == "42601"
    assert e.value.diag.message_primary == 'syntax error at or near "from"'
    assert e.value.diag.statement_position == "15"


def test_transactions_commit_rollback_and_failed_state(pgwire_server):
    with clients.connect(pgwire_server, autocommit=True) as c:
        c.execute("drop table if exists basics_tx")
        c.execute("create table basics_tx (v int)")
    with clients.connect(pgwire_server, autocommit=False) as c:
        c.execute("insert into basics_tx values (1)")
        c.commit()
        c.execute("insert into basics_tx values (2)")
        c.rollback()
        assert c.execute("select count(*) from basics_tx").fetchone() == (1,)
        c.rollback()
        # an error fails the block: every statement but ROLLBACK gets 25P02
        with pytest.raises(psycopg.errors.UndefinedTable):
            c.execute("select * from basics_missing")
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
        with pytest.raises(psycopg.errors.InFailedSqlTransaction) as e:
            c.execute("select 1")
        assert e.value.diag.sqlstate == "25P02"
        c.rollback()
        assert c.execute("select 1").fetchone() == (1,)
        c.rollback()
    with clients.connect(pgwire_server) as c:
        c.execute("drop table basics_tx")


def test_ready_for_query_status_bytes(pgwire_server):
    with clients.connect(pgwire_server, autocommit=True) as c:
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        c.execute("begin")
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        with pytest.raises(psycopg.Error):
            c.execute("select 1/0")
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
        c.execute("rollback")
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_multi_statement_string_runs_in_one_implicit_transaction(pgwire_server, pg_oracle):
    for server in (pg_oracle, pgwire_server):
        with clients.connect(server) as c:
            c.execute("drop table if exists basics_ms")
            c.execute("create table basics_ms (v int)")
        # the error rolls back the whole string, even the statements before it
        out = clients.psql_run(server, "insert into basics_ms values (1); select 1/0; insert into basics_ms values (2)")
        assert "division by zero" in out.stderr
        with clients.connect(server) as c:
            assert c.execute("select count(*) from basics_ms").fetchone() == (0,)
        # with explicit control, the string's own transactions decide
        clients.psql_run(server, "begin; insert into basics_ms values (3); commit; insert into basics_ms values (4); select 1/0")
        with clients.connect(server) as c:
            assert c.execute("select v from basics_ms order by v").fetchall() == [(3,)]
            c.execute("drop table basics_ms")


def test_multi_statement_results_like_postgresql(pgwire_server, pg_oracle):
    sql = "select 1 as a; select 'two' as b, 2; select 3 where false"
    assert clients.psql_exact(pgwire_server, sql).stdout == clients.psql_exact(pg_oracle, sql).stdout


def test_empty_query(pgwire_server):
    with clients.connect(pgwire_server) as c:
        res = c.pgconn.exec_(b"")
        assert res.status == psycopg.pq.ExecStatus.EMPTY_QUERY
        res = c.pgconn.exec_(b"  -- just a comment\n")
        assert res.status == psycopg.pq.ExecStatus.EMPTY_QUERY
        res = c.pgconn.exec_(b";;")
        assert res.status == psycopg.pq.ExecStatus.EMPTY_QUERY


def test_command_tags(pgwire_server, pg_oracle):
    script = ("drop table if exists basics_tags; create table basics_tags (a int); "
              "insert into basics_tags values (1),(2); update basics_tags set a = 3; "
              "delete from basics_tags; begin; commit; begin; rollback; drop table basics_tags")
    tags = []
    for server in (pg_oracle, pgwire_server):
        with clients.connect(server) as c:
            c.pgconn.send_query(script.encode())
            got = []
            while True:
                r = c.pgconn.get_result()
                if r is None:
                    break
                got.append(r.command_status)
            tags.append(got)
    assert tags[0] == tags[1]


def test_parameter_status_and_backend_key(pgwire_server, pg_oracle):
    names = ["application_name", "client_encoding", "DateStyle", "default_transaction_read_only",
             "in_hot_standby", "integer_datetimes", "IntervalStyle", "is_superuser", "server_encoding",
             "server_version", "session_authorization", "standard_conforming_strings", "TimeZone"]
    with clients.connect(pgwire_server) as ours, clients.connect(pg_oracle) as theirs:
        for name in names:
            mine = ours.pgconn.parameter_status(name.encode())
            ref = theirs.pgconn.parameter_status(name.encode())
            assert mine is not None, name
            if name != "server_version":
                assert mine == ref, name
        assert ours.pgconn.parameter_status(b"server_version").startswith(b"15.")
        assert ours.info.backend_pid > 0
        assert "PostgreSQL 15" in ours.execute("select version()").fetchone()[0]


def test_databases_create_drop_and_missing(pgwire_server):
    with clients.connect(pgwire_server) as c:
        c.execute("drop database if exists basics_db")
        c.execute("create database basics_db")
        with pytest.raises(psycopg.errors.DuplicateDatabase):
            c.execute("create database basics_db")
    with clients.connect(pgwire_server, dbname="basics_db") as d:
        d.execute("create table only_here (v int)")
        d.execute("insert into only_here values (7)")
        assert d.execute("select current_database()").fetchone() == ("basics_db",)
    with clients.connect(pgwire_server) as c:
        with pytest.raises(psycopg.errors.UndefinedTable):
            c.execute("select * from only_here")
        with pytest.raises(psycopg.errors.ActiveSqlTransaction):
            c.execute("begin")
            c.execute("create database inside_block")
        c.execute("rollback")
        c.execute("drop database basics_db")
    with pytest.raises(psycopg.OperationalError) as e:
        clients.connect(pgwire_server, dbname="basics_db")
    assert 'database "basics_db" does not exist' in str(e.value)


def test_missing_database_is_3d000_like_postgresql(pgwire_server, pg_oracle):
    for server in (pgwire_server, pg_oracle):
        with pytest.raises(psycopg.OperationalError) as e:
            clients.connect(server, dbname="no_such_db_here")
        assert 'database "no_such_db_here" does not exist' in str(e.value)


def test_data_survives_restart_and_kill9(pgwire_server_fn):
    server = pgwire_server_fn
    with clients.connect(server) as c:
        c.execute("create table durable (id int primary key, v text)")
        c.execute("insert into durable values (1, 'committed')")
    server.restart()
    with clients.connect(server) as c:
        assert c.execute("select v from durable").fetchall() == [("committed",)]
        c.execute("insert into durable values (2, 'before kill')")
    server.kill9()
    server.start()
    with clients.connect(server) as c:
        assert c.execute("select id from durable order by id").fetchall() == [(1,), (2,)]
        # declared types survive too
        cur = c.execute("select id, v from durable")
        assert [d.type_code for d in cur.description] == [23, 25]


def test_session_settings(pgwire_conn, oracle_conn):
    for sql in ["show DateStyle", "show client_encoding", "show standard_conforming_strings",
                "set search_path = public", "show search_path", "set application_name = 'x y'",
                "show application_name", "reset application_name", "show extra_float_digits",
                "set no_such_setting = 1", "show no_such_setting"]:
        clients.assert_same(sql, oracle_conn, pgwire_conn)


@pytest.mark.parametrize("sql", [
    "select v from (values (3), (1), (2)) as t(v) order by v limit 2",
    "select v from (values (3), (1), (2)) as t(v) order by v desc limit 1 offset 1",
    "select v from (values (3), (1), (2)) as t(v) order by v fetch first 2 rows only",
    "select v from (values (3), (1), (2)) as t(v) order by v offset 2",
])
def test_limit_and_offset(sql, pgwire_conn, oracle_conn):
    clients.assert_same(sql, oracle_conn, pgwire_conn)
