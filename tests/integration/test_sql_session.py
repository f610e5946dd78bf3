"""Session behaviour of the SQL layer, on real PostgreSQL 15 and on iris-pgwire alike.

Every test runs twice (the `target` fixture: the oracle, then our server) with the same
assertions, so each assertion is PostgreSQL's behaviour, checked on PostgreSQL too.

Covers issue 3's session items: temporary tables (private, shadowing, dropped at the end
and by DISCARD), sequences (shared, not undone by rollbacks, currval per session), LISTEN /
NOTIFY between sessions, SET LOCAL and SET inside transactions and savepoints, BEGIN modes,
SAVEPOINT semantics, DISCARD ALL, what drivers and poolers send at connect and reset, and
the errors PostgreSQL raises where SQLite would answer something else.
"""

import itertools
import time

import psycopg
import pytest

from pgharness import clients

_counter = itertools.count()


@pytest.fixture
def db(target):
    """A fresh database on the target; yields a connect(autocommit=True, **kw) function."""
    name = f"sess_{next(_counter)}_{int(time.time() * 1000) % 100000}"
    with clients.connect(target) as admin:
        admin.execute(f"drop database if exists {name}")
        admin.execute(f"create database {name}")
    opened = []

    def connect(autocommit=True, **kw):
        conn = clients.connect(target, dbname=name, autocommit=autocommit, **kw)
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()
    with clients.connect(target) as admin:
        for _ in range(50):
            try:
                admin.execute(f"drop database if exists {name}")
                break
            except psycopg.errors.ObjectInUse:
                time.sleep(0.1)


def one(conn, sql, params=None):
    return conn.execute(sql, params).fetchone()[0]


def collect_notifies(conn, want, timeout):
    """Notifications that reach `conn` (delivered while it talks to the server)."""
    got = []
    conn.add_notify_handler(got.append)
    deadline = time.time() + timeout
    while len(got) < want and time.time() < deadline:
        conn.execute("select 1")
        time.sleep(0.02)
    return got


def sqlstate(conn, sql):
    with pytest.raises(psycopg.Error) as e:
        conn.execute(sql)
    return e.value.sqlstate


# ---------------------------------------------------------------- temporary tables

def test_temp_table_is_private_and_shadows_permanent(db):
    a, b = db(), db()
    a.execute("create table t (v text)")
    a.execute("insert into t values ('permanent')")
    a.execute("create temp table t (v text)")
    a.execute("insert into t values ('temporary')")
    assert one(a, "select v from t") == "temporary"
    assert one(a, "select v from pg_temp.t") == "temporary"
    assert one(a, "select v from public.t") == "permanent"
    assert one(b, "select v from t") == "permanent"
    assert sqlstate(b, "select * from pg_temp.t") == "42P01"


def test_temp_table_of_another_session_is_refused(db):
    a, b = db(), db()
    a.execute("create temp table mine (x int)")
    a.execute("insert into mine values (1)")   # PostgreSQL refuses when it reads a page
    schema = f"pg_temp_{a.info.backend_pid}"
    if a.info.parameter_status("server_version").startswith("15.0 (iris"):
        # ours: the schema is named by the session's process id
        assert sqlstate(b, f"select * from {schema}.mine") == "0A000"
    else:
        # PostgreSQL numbers temporary schemas by backend slot; find it through the catalog
        schema = one(a, "select nspname from pg_namespace where oid = pg_my_temp_schema()")
        assert sqlstate(b, f"select * from {schema}.mine") == "0A000"


def test_temp_table_goes_with_its_session(db):
    a = db()
    a.execute("create temp table gone (x int)")
    a.execute("insert into gone values (1)")
    a.close()
    b = db()
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            b.execute("select * from gone")
        except psycopg.errors.UndefinedTable:
            break
        time.sleep(0.05)
    assert sqlstate(b, "select * from gone") == "42P01"
    # and a new session can make its own of the same name
    b.execute("create temp table gone (y text)")
    assert one(b, "select count(*) from gone") == 0


def test_discard_temp_and_all_drop_temporary_tables(db):
    a = db()
    a.execute("create temp table d1 (x int)")
    a.execute("discard temp")
    assert sqlstate(a, "select * from d1") == "42P01"
    a.execute("create temp table d2 (x int)")
    a.execute("discard all")
    assert sqlstate(a, "select * from d2") == "42P01"
    a.execute("create temp table d3 (x int)")   # the schema comes back
    assert one(a, "select count(*) from d3") == 0


def test_temp_table_as_select_and_in_transaction_rollback(db):
    a = db(autocommit=False)
    a.execute("create temp table src as select g as x from generate_series(1, 3) g")
    assert one(a, "select sum(x) from src") == 6
    a.rollback()
    assert sqlstate(a, "select * from src") == "42P01"
    a.rollback()


def test_temp_sequence(db):
    a, b = db(), db()
    a.execute("create temp sequence ts start 10")
    assert one(a, "select nextval('ts')") == 10
    assert sqlstate(b, "select nextval('ts')") == "42P01"


# ---------------------------------------------------------------- sequences

def test_sequence_is_shared_and_not_undone_by_rollback(db):
    a, b = db(autocommit=False), db()
    b.execute("create sequence s")
    assert one(a, "select nextval('s')") == 1
    assert one(a, "select nextval('s')") == 2
    a.rollback()
    assert one(b, "select nextval('s')") == 3
    assert one(a, "select nextval('s')") == 4
    a.commit()


def test_serial_numbers_used_by_failed_inserts_stay_used(db):
    a = db()
    a.execute("create table items (id serial primary key, sku text unique)")
    a.execute("insert into items (sku) values ('a')")
    with pytest.raises(psycopg.errors.UniqueViolation):
        a.execute("insert into items (sku) values ('a')")
    a.execute("insert into items (sku) values ('a') on conflict do nothing")
    assert one(a, "insert into items (sku) values ('b') returning id") == 4


def test_currval_and_lastval_are_per_session(db):
    a, b = db(), db()
    a.execute("create sequence s2")
    assert sqlstate(a, "select currval('s2')") == "55000"
    assert sqlstate(a, "select lastval()") == "55000"
    a.execute("select nextval('s2')")
    b.execute("select nextval('s2')")
    assert one(a, "select currval('s2')") == 1
    assert one(b, "select currval('s2')") == 2
    assert one(a, "select lastval()") == 1
    a.execute("discard sequences")
    assert sqlstate(a, "select currval('s2')") == "55000"


def test_setval_and_alter_sequence(db):
    a = db()
    a.execute("create sequence s3 increment by 10 maxvalue 35")
    assert [one(a, "select nextval('s3')") for _ in range(4)] == [1, 11, 21, 31]
    assert sqlstate(a, "select nextval('s3')") == "2200H"
    assert one(a, "select setval('s3', 5, false)") == 5
    assert one(a, "select nextval('s3')") == 5
    a.execute("alter sequence s3 restart with 2 increment by 1")
    assert one(a, "select nextval('s3')") == 2
    assert sqlstate(a, "select setval('s3', 100)") == "22003"


# ---------------------------------------------------------------- LISTEN / NOTIFY

def test_notify_reaches_listeners_of_other_sessions(db):
    listener, sender = db(), db()
    listener.execute("listen jobs")
    sender.execute("notify jobs, 'first'")
    sender.execute("select pg_notify('jobs', 'second')")
    sender.execute("notify other, 'not for us'")
    got = [(n.channel, n.payload, n.pid) for n in collect_notifies(listener, 2, 5)]
    assert [(c, p) for c, p, _ in got] == [("jobs", "first"), ("jobs", "second")]
    assert all(pid == sender.info.backend_pid for _, _, pid in got)


def test_notify_is_delivered_at_commit_only(db):
    listener, sender = db(), db(autocommit=False)
    listener.execute("listen tx")
    sender.execute("notify tx, 'rolled back'")
    sender.rollback()
    sender.execute("notify tx, 'committed'")
    sender.execute("notify tx, 'committed'")   # duplicates in one transaction fold into one
    sender.commit()
    got = [n.payload for n in collect_notifies(listener, 2, 1.5)]
    assert got == ["committed"]


def test_unlisten_stops_delivery(db):
    listener, sender = db(), db()
    listener.execute("listen a")
    listener.execute("unlisten a")
    sender.execute("notify a, 'x'")
    assert collect_notifies(listener, 1, 0.5) == []


# ---------------------------------------------------------------- settings and transactions

def test_set_local_lasts_until_the_end_of_the_transaction(db):
    a = db(autocommit=False)
    a.execute("set local search_path = pg_catalog")
    assert one(a, "show search_path") == "pg_catalog"
    a.commit()
    assert one(a, "show search_path") == '"$user", public'
    a.execute("set search_path = pg_catalog")
    a.rollback()
    assert one(a, "show search_path") == '"$user", public'
    a.execute("set search_path = pg_catalog")
    a.commit()
    assert one(a, "show search_path") == "pg_catalog"
    a.execute("reset search_path")
    a.commit()


def test_set_config_local_and_savepoints(db):
    a = db(autocommit=False)
    a.execute("set application_name = 'before'")
    a.execute("savepoint s1")
    a.execute("select set_config('application_name', 'inside', false)")
    assert one(a, "select current_setting('application_name')") == "inside"
    a.execute("rollback to savepoint s1")
    assert one(a, "show application_name") == "before"
    a.execute("select set_config('application_name', 'local', true)")
    a.commit()
    assert one(a, "show application_name") == "before"
    assert one(a, "select current_setting('no.such_setting', true)") is None
    a.commit()


def test_begin_modes(db):
    a = db()
    a.execute("create table w (x int)")
    a.execute("begin isolation level serializable read only")
    assert one(a, "show transaction_isolation") == "serializable"
    assert one(a, "show transaction_read_only") == "on"
    assert sqlstate(a, "insert into w values (1)") == "25006"
    a.execute("rollback")
    a.execute("start transaction isolation level repeatable read, read write")
    assert one(a, "show transaction isolation level") == "repeatable read"
    a.execute("insert into w values (1)")
    a.execute("commit")
    a.execute("begin")
    a.execute("set transaction read only")
    assert sqlstate(a, "delete from w") == "25006"
    a.execute("rollback")
    assert one(a, "select count(*) from w") == 1


def test_savepoint_semantics(db):
    a = db()
    a.execute("create table sp (x int)")
    a.execute("begin")
    a.execute("insert into sp values (1)")
    a.execute("savepoint one")
    a.execute("insert into sp values (2)")
    a.execute("savepoint two")
    a.execute("insert into sp values (3)")
    a.execute("rollback to savepoint one")
    assert one(a, "select array_agg(x order by x) from sp") == [1]
    a.execute("insert into sp values (4)")
    assert sqlstate(a, "release savepoint two") == "3B001"
    a.execute("rollback")
    a.execute("begin")
    a.execute("insert into sp values (5)")
    a.execute("savepoint s")
    assert sqlstate(a, "select 1 / 0") == "22012"
    assert sqlstate(a, "select 1") == "25P02"
    a.execute("rollback to savepoint s")
    a.execute("release savepoint s")
    a.execute("commit")
    assert one(a, "select array_agg(x order by x) from sp") == [5]
    assert sqlstate(a, "savepoint outside") == "25P01"


def test_discard_all(db):
    a = db()
    a.execute("set application_name = 'x'")
    a.execute("prepare p as select 1")
    a.execute("listen ch")
    a.execute("discard all")
    assert one(a, "show application_name") == ""
    assert sqlstate(a, "execute p") == "26000"
    a.execute("begin")
    assert sqlstate(a, "discard all") == "25001"
    a.execute("rollback")


# ---------------------------------------------------------------- what drivers send

DRIVER_STATEMENTS = [
    # psycopg / libpq, JDBC and node-postgres startup parameters as statements
    "SET extra_float_digits = 3",
    "SET application_name = 'PostgreSQL JDBC Driver'",
    "SET DateStyle = 'ISO'",
    "SET client_encoding = 'UTF8'",
    "SET TIME ZONE 'UTC'",
    "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
    "SET intervalstyle = 'iso_8601'",
    "SET intervalstyle = 'postgres'",
    # SQLAlchemy's first connect
    "select pg_catalog.version()",
    "select current_schema()",
    "show transaction isolation level",
    "show standard_conforming_strings",
    "select current_database(), current_user, session_user",
    # asyncpg's reset and pgbouncer / pgpool server_reset_query
    "SELECT pg_advisory_unlock_all()",
    "CLOSE ALL",
    "UNLISTEN *",
    "RESET ALL",
    "DISCARD ALL",
    "DEALLOCATE ALL",
    "SET SESSION AUTHORIZATION DEFAULT",
    "RESET SESSION AUTHORIZATION",
    # JDBC / pgx / npgsql probes
    "SELECT 1",
    "show server_version_num",
    "SELECT current_setting('server_version_num')::int >= 100000",
    "show max_identifier_length",
    "show integer_datetimes",
    "show client_encoding",
    "show datestyle",
    "select set_config('search_path', 'public', false)",
]


@pytest.mark.parametrize("sql", DRIVER_STATEMENTS)
def test_driver_statements_are_accepted(db, sql):
    a = db()
    a.execute(sql)


def test_reset_sequence_after_session_changes(db):
    a = db()
    a.execute("set search_path = pg_catalog")
    a.execute("set timezone = 'Asia/Tokyo'")
    a.execute("SELECT pg_advisory_unlock_all()")
    a.execute("CLOSE ALL")
    a.execute("UNLISTEN *")
    a.execute("RESET ALL")
    assert one(a, "show search_path") == '"$user", public'
    assert one(a, "show timezone") != "Asia/Tokyo"


# ---------------------------------------------------------------- errors SQLite would not raise

@pytest.mark.parametrize("sql,state", [
    ("insert into n (i4) values (2147483647 + 1)", "22003"),
    ("insert into n (i4) values (2147483648)", "22003"),
    ("insert into n (i2) values (32768)", "22003"),
    ("insert into n (i8) values (9223372036854775807 + 1)", "22003"),
    ("insert into n (i4) values ('3000000000')", "22003"),
    ("insert into n (i4) values (2.5e9)", "22003"),
    ("update n set i4 = i4 * 1000000000", "22003"),
    ("update n set i2 = i2 + 32767", "22003"),
    ("update n set i4 = -i4 - 2147483647", "22003"),
    ("select i4 / 0 from n", "22012"),
    ("select i4 % 0 from n", "22012"),
    ("select 1.5 / 0", "22012"),
    ("select 1.5::float8 / 0", "22012"),
    ("select (-2147483648)::int4 / -1", "22003"),
    ("select 2147483647::int4 + 1", "22003"),
    ("select abs(-9223372036854775808)", "22003"),
    ("select 32767::int2 * 2::int2", "22003"),
    ("select 'abc'::int", "22P02"),
    ("select cast(70000 as smallint)", "22003"),
    ("select 1e400::float8", "22003"),
    ("select (select 1 union select 2)", "21000"),
    ("insert into n (i4) values (null), (1) returning 1 / 0", "22012"),
])
def test_errors_postgresql_raises(db, sql, state):
    a = db()
    a.execute("create table n (i2 smallint, i4 integer, i8 bigint)")
    a.execute("insert into n values (1, 10, 100)")
    assert sqlstate(a, sql) == state
    assert one(a, "select count(*) from n") == 1


def test_alter_of_a_referenced_table_keeps_the_referencing_rows(db):
    a = db()
    a.execute("create table parent (id int primary key, name text)")
    a.execute("create table child (pid int references parent on delete cascade, note text)")
    a.execute("insert into parent values (1, 'p')")
    a.execute("insert into child values (1, 'kept')")
    a.execute("alter table parent add constraint name_not_empty check (name <> '')")
    a.execute("alter table parent alter column name set not null")
    assert one(a, "select count(*) from child") == 1
    assert sqlstate(a, "insert into child values (2, 'orphan')") == "23503"
    a.execute("delete from parent")
    assert one(a, "select count(*) from child") == 0


# ---------------------------------------------------------------- advisory locks

def test_advisory_locks_between_sessions(db):
    a, b = db(), db()
    assert one(a, "select pg_try_advisory_lock(42)") is True
    assert one(b, "select pg_try_advisory_lock(42)") is False
    assert one(a, "select pg_try_advisory_lock(42)") is True          # reentrant
    assert one(a, "select pg_advisory_unlock(42)") is True
    assert one(b, "select pg_try_advisory_lock(42)") is False          # still held once
    assert one(a, "select pg_advisory_unlock(42)") is True
    assert one(b, "select pg_try_advisory_lock(42)") is True
    assert one(b, "select pg_advisory_unlock(1)") is False             # with a WARNING
    assert one(a, "select pg_try_advisory_lock_shared(7)") is True
    assert one(b, "select pg_try_advisory_lock_shared(7)") is True
    assert one(b, "select pg_try_advisory_lock(7)") is False
    assert one(a, "select pg_try_advisory_lock(1, 2)") is True         # two-key locks are others
    assert one(b, "select pg_try_advisory_lock(1, 2)") is False
    a.execute("select pg_advisory_unlock_all()")
    b.execute("select pg_advisory_unlock_all()")
    assert one(a, "select pg_try_advisory_lock(7)") is True


def test_advisory_lock_waits_and_times_out(db):
    import threading
    a, b = db(), db()
    a.execute("select pg_advisory_lock(9)")
    timer = threading.Timer(0.3, lambda: a.execute("select pg_advisory_unlock(9)"))
    timer.start()
    t0 = time.time()
    b.execute("select pg_advisory_lock(9)")
    assert time.time() - t0 >= 0.25
    timer.join()
    a.execute("set lock_timeout = '100ms'")
    assert sqlstate(a, "select pg_advisory_lock(9)") == "55P03"


def test_advisory_xact_lock_ends_with_the_transaction(db):
    a, b = db(), db()
    a.execute("begin")
    a.execute("select pg_advisory_xact_lock(5)")
    assert one(b, "select pg_try_advisory_lock(5)") is False
    a.execute("commit")
    assert one(b, "select pg_try_advisory_lock(5)") is True
    b.execute("discard all")    # releases session-level advisory locks too
    assert one(a, "select pg_try_advisory_lock(5)") is True


def test_cursor_statements_without_cursors(db):
    a = db()
    a.execute("close all")
    assert sqlstate(a, "close nope") == "34000"
    assert sqlstate(a, "fetch 1 from nope") == "34000"


def test_data_modifying_with(db):
    """WITH x AS (DELETE/INSERT/UPDATE ... RETURNING): runs once, its rows read by the rest;
    parameters, prepared reuse, and the whole statement atomic (a failure after it undoes it)."""
    conn = db()
    conn.execute("create table stock (sku text primary key, qty int)")
    conn.execute("create table moved (sku text primary key, qty int)")
    conn.execute("insert into stock select 's' || g, g from generate_series(1, 50) g")
    sql = ("with m as (delete from stock where qty between %s and %s returning sku, qty) "
           "insert into moved select sku, qty * %s from m returning sku, qty")
    rows = conn.execute(sql, (1, 3, 2), prepare=True).fetchall()
    assert sorted(rows) == [("s1", 2), ("s2", 4), ("s3", 6)]
    rows = conn.execute(sql, (4, 5, 10), prepare=True).fetchall()
    assert sorted(rows) == [("s4", 40), ("s5", 50)]
    # a unique violation in the INSERT undoes the DELETE of the WITH query
    conn.execute("insert into moved values ('s9', 0)")
    with pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute(sql, (6, 10, 1))
    assert one(conn, "select count(*) from stock") == 45
    # inside a transaction block that rolls back
    with conn.transaction():
        cur = conn.execute("with u as (update stock set qty = -qty where qty > 40 returning qty) "
                           "select count(*), sum(qty) from u")
        assert cur.fetchone() == (10, -455)
        raise psycopg.Rollback()
    assert one(conn, "select min(qty) from stock") == 6
    # the WITH query runs even when nothing reads its rows
    cur = conn.execute("with d as (delete from stock where qty > 45 returning sku) select 1")
    assert cur.fetchall() == [(1,)]
    assert one(conn, "select count(*) from stock") == 40
