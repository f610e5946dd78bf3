"""Logging in to the engine as the client (issue 6, item 3; docs/security.md, "Logging in to
IRIS as the client").

No IRIS can be installed here, so the engine is a real PostgreSQL 15 reached through psqlODBC
(dialect = postgres), which checks passwords itself (scram-sha-256 on TCP) and has roles with
different privileges:

- `reader` may read engine_secret; its password holds ';', '{' and '}' (ODBC braces);
- `outsider` may not (PostgreSQL answers 42501);
- `odd@user}` is a role whose name holds characters ODBC's grammar says to avoid, and whose
  password ends with a blank (so it is braced);
- `filed` is also in iris-pgwire's users file (the file decides, not the engine);
- the service account is the engine's `postgres` (trust), the catalog reader.

iris-pgwire runs with odbc_login = client and TLS; `password` lines on hostssl (most tests) and
host.  What is shown: the engine's privileges apply per client, a wrong password or unknown
user gets PostgreSQL's own 28P01 with the engine's reason in the log only, two users never
share an engine connection (the engine's current_user, seen through a view, and
pg_stat_activity), the password leaves with the last session, methods that never reveal the
password are refused with 28000, and odbc_login = service still works as before.
"""

import os
import shutil
import socket
import subprocess
import threading
import time

import psycopg
import pytest

from pgharness import servers, wire
from pgharness import tls as pki_tools
from pgharness.secpair import pki  # noqa: F401  (fixture)

DRIVER = "PostgreSQL Unicode"

PASSWORDS = {
    "reader": "r;e{a}d}}er",
    "outsider": "outsider-pw",
    "odd@user}": "odd pw ",
    "filed": "filed-pw",
    "drifted": "engine-pw",
    "scramuser": "scram-pw",
}

ENGINE_HBA = """\
local all all                trust
host  all postgres 127.0.0.1/32 trust
host  all all      127.0.0.1/32 scram-sha-256
"""

PGWIRE_HBA = """\
local    all all                    trust
hostssl  all postgres   127.0.0.1/32 trust
hostssl  all scramuser  127.0.0.1/32 scram-sha-256
hostssl  all all        127.0.0.1/32 password
host     all postgres   127.0.0.1/32 trust
host     all all        127.0.0.1/32 password
"""


def _driver_installed():
    out = subprocess.run(["odbcinst", "-q", "-d"], capture_output=True, text=True)
    return out.returncode == 0 and f"[{DRIVER}]" in out.stdout


def _quote_ident(name):
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text):
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def engine():
    if not _driver_installed():
        pytest.skip(f"ODBC driver {DRIVER} not installed (scripts/install-deps.sh)")
    if not os.access(os.path.join(servers.PG_BINDIR, "postgres"), os.X_OK):
        pytest.skip("no PostgreSQL 15 to serve as the engine")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root without runuser")
    pg = servers.PgOracle()
    with open(os.path.join(pg.data_dir, "pg_hba.conf"), "w") as f:
        f.write(ENGINE_HBA)
    pg.start()
    try:
        with psycopg.connect(pg.unix_dsn(), autocommit=True) as c:
            for role, pw in PASSWORDS.items():
                c.execute(f"create role {_quote_ident(role)} login password {_quote_literal(pw)}")
            c.execute("create table engine_secret (id integer primary key, note text)")
            c.execute("insert into engine_secret values (1, 'only for readers')")
            c.execute("grant select on engine_secret to reader, \"odd@user}\", filed")
            # The engine's own idea of who runs the statement, through the translator.
            c.execute("create view engine_whoami as select current_user::text as who")
            c.execute("grant select on engine_whoami to public")
    except Exception:
        pg.cleanup()
        raise
    yield pg
    pg.cleanup()


def _service_string(engine):
    return (f"Driver={DRIVER};Server=127.0.0.1;Port={engine.port};Database=postgres;"
            f"UID=postgres")


def _start_pgwire(pgwire_bin, engine, pki, login, users=None):
    server = servers.PgwireServer(pgwire_bin)
    hba = os.path.join(server.base_dir, "pg_hba.conf")
    with open(hba, "w") as f:
        f.write(PGWIRE_HBA)
    settings = {
        "backend": "odbc", "dialect": "postgres", "odbc_connection_string": _service_string(engine),
        "odbc_login": login, "hba_file": hba, "engine_pool_size": "2", "worker_threads": "12",
        "ssl": "on", "ssl_cert_file": pki["server"].cert, "ssl_key_file": pki["server"].key,
    }
    if users:
        path = os.path.join(server.base_dir, "users")
        with open(path, "w") as f:
            for name, verifier in users.items():
                f.write(f"{name}:{verifier}\n")
        os.chmod(path, 0o600)
        settings["users_file"] = path
    server.extra_settings.update(settings)
    try:
        server.start()
    except servers.ServerError as e:
        server.cleanup()
        pytest.fail(str(e), pytrace=False)
    return server


@pytest.fixture(scope="module")
def client_server(pgwire_bin, engine, pki):  # noqa: F811  (pki is a fixture)
    # Verifiers for the users file, made by the engine PostgreSQL itself.
    with psycopg.connect(engine.unix_dsn(), autocommit=True) as c:
        users = dict(c.execute("select rolname, rolpassword from pg_authid "
                               "where rolname in ('filed', 'scramuser')").fetchall())
        # `drifted`: the users file holds another password than the engine's.
        c.execute("create role drifted_file password 'file-pw'")
        users["drifted"] = c.execute("select rolpassword from pg_authid where rolname = 'drifted_file'").fetchone()[0]
    server = _start_pgwire(pgwire_bin, engine, pki, "client", users)
    yield server
    server.cleanup()


def _dsn(server, pki, user, ssl=True):
    params = {"user": user, "passfile": "/nonexistent"}
    if ssl:
        params.update(sslmode="verify-full", sslrootcert=pki["ca"].cert)
    else:
        params.update(sslmode="disable")
    return server.dsn(**params)


def connect(server, pki, user, password=None, ssl=True):
    pw = PASSWORDS.get(user) if password is None else password
    return psycopg.connect(_dsn(server, pki, user, ssl), password=pw, autocommit=True)


def login_error(server, pki, user, password, ssl=True):
    """libpq's message for a refused login (it shows no SQLSTATE for those: see wire_login)."""
    with pytest.raises(psycopg.OperationalError) as info:
        connect(server, pki, user, password, ssl).close()
    return str(info.value)


def wire_login(server, pki, user, password, ssl=True):
    """Startup and cleartext password on the wire: the messages up to ReadyForQuery or the
    ErrorResponse, SQLSTATE and fields included."""
    if ssl:
        c = pki_tools.ssl_request_connection(server, pki_tools.tls_client_context(ca=pki["ca"].cert))
    else:
        c = wire.Connection.tcp(server.host, server.port)
    try:
        c.send(wire.startup({"user": user, "database": "postgres"}))
        messages = []
        while True:
            m = c.read_message(30)
            messages.append(m)
            if m.name == "AuthenticationCleartextPassword":
                c.send(wire.password(password))
            if m.name in ("ReadyForQuery", "ErrorResponse"):
                return messages
    finally:
        c.close()


def wire_error(server, pki, user, password, ssl=True):
    m = wire_login(server, pki, user, password, ssl)[-1]
    assert m.name == "ErrorResponse", m
    return m


def engine_sessions(engine):
    with psycopg.connect(engine.unix_dsn(), autocommit=True) as c:
        return sorted(r[0] for r in c.execute(
            "select usename from pg_stat_activity where backend_type = 'client backend' "
            "and pid <> pg_backend_pid() and usename <> 'postgres'").fetchall())


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


# ---------------------------------------------------------------------------------------
# the engine's privileges

def test_engine_privileges_apply_per_client_over_tls(client_server, pki):
    with connect(client_server, pki, "reader") as c:
        assert c.info.pgconn.ssl_in_use
        assert c.execute("select who from engine_whoami").fetchone() == ("reader",)
        assert c.execute("select id, note from engine_secret").fetchall() == [(1, "only for readers")]
    with connect(client_server, pki, "outsider") as c:
        assert c.execute("select who from engine_whoami").fetchone() == ("outsider",)
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as info:
            c.execute("select id, note from engine_secret")
        assert info.value.sqlstate == "42501"
        assert info.value.diag.message_primary == "permission denied for table engine_secret"
        # The session goes on after the engine's refusal.
        assert c.execute("select who from engine_whoami").fetchone() == ("outsider",)


def test_user_name_and_password_that_need_odbc_braces(client_server, engine, pki):
    """';', '{', '}' and a trailing blank in a password, '@' and '}' in a user name: each
    reaches the engine as one value (braced with '}' doubled where needed), never as another
    attribute of the connection string."""
    with connect(client_server, pki, "odd@user}") as c:
        assert c.execute("select who from engine_whoami").fetchone() == ("odd@user}",)
        assert c.execute("select count(*) from engine_secret").fetchone() == (1,)
    # Attributes smuggled in a password stay inside the braced PWD value...
    for pw in ("x;UID=postgres;PWD=", "x};UID=postgres;PWD={", "{x};UID=postgres"):
        assert wire_error(client_server, pki, "outsider", pw)["C"] == "28P01", pw
    # ... and in a user name inside the braced UID value: without braces the driver manager
    # would read a second UID (the trusted service account) and the login would succeed.
    for user in ("outsider;UID=postgres", "{x};UID=postgres;PWD={y}"):
        assert wire_error(client_server, pki, user, "anything")["C"] == "28P01", user
    assert engine_sessions(engine) == []


def test_plain_tcp_password_line_works_too(client_server, pki):
    with connect(client_server, pki, "reader", ssl=False) as c:
        assert not c.info.pgconn.ssl_in_use
        assert c.execute("select who from engine_whoami").fetchone() == ("reader",)


# ---------------------------------------------------------------------------------------
# the engine decides the password of users the users file does not know

@pytest.mark.parametrize("user,password", [("reader", "wrong"), ("outsider", PASSWORDS["reader"]),
                                           ("nobody", "whatever-pw")])
def test_wrong_password_or_unknown_user_is_postgresqls_28P01(client_server, engine, pki, user, password):
    err = wire_error(client_server, pki, user, password)
    # Exactly what PostgreSQL sends: no DETAIL, nothing of the engine's words.
    assert (err["S"], err["C"], err["M"]) == ("FATAL", "28P01", f'password authentication failed for user "{user}"')
    assert "D" not in err.fields and "H" not in err.fields
    # The engine PostgreSQL says the same to its own clients.
    c = wire.Connection.tcp(engine.host, engine.port)
    c.send(wire.startup({"user": user, "database": "postgres"}))
    m = c.read_message(5)
    assert m.name == "AuthenticationSASL"   # scram-sha-256: libpq's message is compared below
    c.close()
    with pytest.raises(psycopg.OperationalError) as direct:
        psycopg.connect(engine.dsn(user=user, password=password, passfile="/nonexistent")).close()
    assert f'FATAL:  password authentication failed for user "{user}"' in str(direct.value)
    assert f'FATAL:  password authentication failed for user "{user}"' in login_error(client_server, pki, user, password)
    # The engine's reason is in the server log, the password is not.
    needle = f'The database engine refused the login of user "{user}"'
    assert wait_for(lambda: needle in client_server.log()), client_server.log_tail()
    assert password not in client_server.log()


def test_user_in_users_file_is_checked_by_the_file(client_server, pki):
    with connect(client_server, pki, "filed") as c:
        assert c.execute("select who from engine_whoami").fetchone() == ("filed",)
    assert wire_error(client_server, pki, "filed", "not-the-file-password")["C"] == "28P01"
    assert wait_for(lambda: 'Password does not match for user "filed".' in client_server.log())


def test_users_file_and_engine_disagree(client_server, pki):
    """The file lets `drifted` in; the engine refuses its password at the first statement
    that needs a connection, with the driver's reason in the DETAIL; the session goes on (SHOW needs no engine)."""
    with connect(client_server, pki, "drifted", "file-pw") as c:
        with pytest.raises(psycopg.OperationalError) as info:
            c.execute("select who from engine_whoami")
        # psqlODBC reports a refused login as 08001, so it is 08006 (28000 from IRIS).
        assert info.value.sqlstate in ("08006", "28000")
        assert 'password authentication failed for user "drifted"' in (info.value.diag.message_detail or "")
        assert c.execute("show client_encoding").fetchone() == ("UTF8",)


def test_methods_that_hide_the_password_are_refused(client_server, pki):
    """SCRAM (a user in the users file) and trust never give the server the password: the
    session would run as the service account, so it is refused after authentication, as
    PostgreSQL refuses a role that may not log in (FATAL 28000)."""
    message = 'role "{}" needs a password to log in to the database engine'
    msgs = wire_login(client_server, pki, "postgres", None)   # trust
    assert [m.name for m in msgs] == ["AuthenticationOk", "ErrorResponse"]
    assert (msgs[-1]["S"], msgs[-1]["C"], msgs[-1]["M"]) == ("FATAL", "28000", message.format("postgres"))
    assert "FATAL:  " + message.format("scramuser") in login_error(client_server, pki, "scramuser",
                                                                   PASSWORDS["scramuser"])


# ---------------------------------------------------------------------------------------
# one user's connections are never another's

def test_two_users_never_share_an_engine_connection(client_server, engine, pki):
    """engine_pool_size = 2: connections are pooled per user, so however sessions of two users
    interleave (inside and outside transactions, concurrently), the engine always runs a
    statement as the session's own user."""
    errors = []

    def worker(user, rounds):
        try:
            for i in range(rounds):
                with connect(client_server, pki, user, ssl=(i % 2 == 0)) as c:
                    for _ in range(3):
                        assert c.execute("select who from engine_whoami").fetchone() == (user,)
                    with c.transaction():
                        assert c.execute("select who from engine_whoami").fetchone() == (user,)
        except Exception as e:  # noqa: BLE001  (reported below)
            errors.append((user, repr(e)))

    threads = [threading.Thread(target=worker, args=(u, 6)) for u in ("reader", "outsider") * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors

    # Seen from the engine: each session holds connections logged in as its own user, and
    # they are closed (password forgotten) when the user's last session ends.
    a = connect(client_server, pki, "reader")
    b = connect(client_server, pki, "outsider")
    try:
        a.execute("begin")
        a.execute("select who from engine_whoami")
        b.execute("begin")
        b.execute("select who from engine_whoami")
        sessions = engine_sessions(engine)
        assert "reader" in sessions and "outsider" in sessions, sessions
        a.execute("commit")
        b.execute("commit")
    finally:
        a.close()
        b.close()
    assert wait_for(lambda: engine_sessions(engine) == []), engine_sessions(engine)


# ---------------------------------------------------------------------------------------
# the default: the service account, as before

def test_service_mode_unchanged(pgwire_bin, engine, pki):  # noqa: F811
    server = _start_pgwire(pgwire_bin, engine, pki, "service")
    try:
        # trust and SCRAM-less users work; every statement runs as the service account.
        with psycopg.connect(_dsn(server, pki, "postgres"), autocommit=True) as c:
            assert c.execute("select who from engine_whoami").fetchone() == ("postgres",)
            assert c.execute("select count(*) from engine_secret").fetchone() == (1,)
        # Under `password` an unknown user still fails as in PostgreSQL (no users file).
        assert wire_error(server, pki, "outsider", PASSWORDS["outsider"])["C"] == "28P01"
        assert wait_for(lambda: 'Role "outsider" does not exist.' in server.log())
    finally:
        server.cleanup()


def test_bad_settings_stop_the_server(pgwire_bin, engine):
    for settings, message in (
            ({"odbc_login": "maybe"}, 'invalid value for parameter "odbc_login": "maybe"'),
            ({"odbc_login": "client", "odbc_connection_string": "Driver={x;Server=y"},
             "odbc_connection_string cannot take a client's login"),
            ({"odbc_login": "client", "backend": "sqlite"}, "odbc_login = client needs backend = odbc")):
        base = {"backend": "odbc", "dialect": "postgres", "odbc_connection_string": _service_string(engine)}
        base.update(settings)
        server = servers.PgwireServer(pgwire_bin, extra_settings=base)
        try:
            with pytest.raises(servers.ServerError) as info:
                server.start()
            assert message in str(info.value)
        finally:
            server.cleanup()


def test_engine_login_checks_are_bounded(pgwire_bin, pki):  # noqa: F811
    """Checks by the engine hold a worker thread for a whole connect; past worker_threads - 2
    at once, a login is refused before its password is judged (53300), and a check that
    cannot reach the engine is a failed password, as PostgreSQL says for an unreachable
    LDAP server."""
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(8)
    held = []
    settings = {"backend": "odbc", "dialect": "postgres", "odbc_login": "client", "worker_threads": "3",
                "odbc_connection_string": f"Driver={DRIVER};Server=127.0.0.1;Port={hole.getsockname()[1]};"
                                          "Database=postgres;UID=postgres"}
    server = servers.PgwireServer(pgwire_bin, extra_settings=settings)
    hba = os.path.join(server.base_dir, "pg_hba.conf")
    with open(hba, "w") as f:
        f.write("host all all 127.0.0.1/32 password\n")
    server.extra_settings["hba_file"] = hba
    server.start()
    try:
        first = {}
        t = threading.Thread(target=lambda: first.update(m=wire_error(server, pki, "reader", "pw", ssl=False)))
        t.start()
        hole.settimeout(10)
        conn, _ = hole.accept()          # the first check is connecting to the "engine"
        held.append(conn)
        err = wire_error(server, pki, "outsider", "pw", ssl=False)
        assert (err["S"], err["C"], err["M"]) == ("FATAL", "53300", "sorry, too many clients already")
        conn.close()                     # the engine goes away: the first login fails
        t.join(30)
        assert (first["m"]["C"], first["m"]["M"]) == ("28P01", 'password authentication failed for user "reader"')
    finally:
        for c in held:
            c.close()
        hole.close()
        server.cleanup()
