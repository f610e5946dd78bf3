"""The harness checks itself against the oracle (a real PostgreSQL 15).

If these fail, no other integration result means anything: the fixtures cannot start or
reach a server, psql or psycopg are not wired up, or the wire-script runner does not
notice a wrong answer.  They need no iris-pgwire binary.
"""

import os
import stat
import sys
import textwrap

import pytest

from pgharness import clients, servers, wirerunner, wirescript


# -- the oracle fixture

def test_oracle_psycopg(oracle_conn, pg_oracle):
    row = oracle_conn.execute("select 1 + 1, current_user, version()").fetchone()
    assert row[0] == 2
    assert row[1] == pg_oracle.user
    assert row[2].startswith("PostgreSQL 15.")


def test_oracle_unix_socket(pg_oracle):
    assert os.path.exists(pg_oracle.socket_path)
    with clients.connect(pg_oracle, unix=True) as conn:
        assert conn.execute("select inet_server_addr() is null").fetchone()[0] is True


def test_oracle_listens_only_on_loopback(oracle_conn, pg_oracle):
    assert oracle_conn.execute("show listen_addresses").fetchone()[0] == "127.0.0.1"
    assert oracle_conn.execute("show unix_socket_directories").fetchone()[0] == \
        pg_oracle.socket_dir
    assert oracle_conn.execute("show fsync").fetchone()[0] == "off"


def test_oracle_settings_recorded(pg_oracle):
    # initdb's choices are left alone but written down for tests that depend on them
    for name in ("TimeZone", "DateStyle", "server_version", "timezone", "datestyle"):
        assert pg_oracle.settings.get(name), name
    assert pg_oracle.settings["DateStyle"] == "ISO, MDY"


def test_oracle_psql(pg_oracle):
    assert clients.psql(pg_oracle, "select 1 as one, 'x' as two") == "1|x\n"
    exact = clients.psql_exact(pg_oracle, "select 1 as one, 'x' as two")
    assert exact.returncode == 0
    assert exact.stdout == " one | two \n-----+-----\n   1 | x\n(1 row)\n\n"
    bad = clients.psql_exact(pg_oracle, "select * from no_such_table")
    assert bad.returncode == 1
    assert 'relation "no_such_table" does not exist' in bad.stderr
    with pytest.raises(AssertionError):
        clients.psql(pg_oracle, "select * from no_such_table")


def test_capture_and_compare(oracle_conn):
    results = clients.capture(oracle_conn, "select 1 as a, null::text as b; "
                                           "select * from no_such_table; select 3")
    assert [r.tag for r in results] == ["SELECT 1", None]
    assert results[0].columns == ["a", "b"]
    assert results[0].types == [23, 25]
    assert results[0].rows == [("1", None)]
    assert results[1].sqlstate == "42P01"
    one = clients.query(oracle_conn, "select $1::int + 1", ["41"])
    assert one.rows == [("42",)]
    # the comparison sees every kind of difference
    assert clients.diff_results(results, results) == []
    other = clients.capture(oracle_conn, "select 1::int8 as a, 'x'::text as b")
    diffs = "\n".join(clients.diff_results(results, other))
    assert "type OIDs" in diffs and "rows differ" in diffs and "results expected" in diffs
    clients.assert_same("select 2 as two", oracle_conn, oracle_conn)


# -- server life cycle (a private oracle: the session one must stay up)

def test_server_stop_restart_kill9():
    server = servers.PgOracle()
    try:
        server.start()
        first_pid = server.pid
        with clients.connect(server) as conn:
            conn.execute("create table survives (x int)")
            conn.execute("insert into survives values (1)")
        server.restart()
        assert server.pid != first_pid
        server.kill9()
        assert not server.running()
        server.start()
        with clients.connect(server) as conn:
            assert conn.execute("select x from survives").fetchall() == [(1,)]
        assert "ready to accept connections" in server.log()
        assert server.stop() == 0
        assert not server.running()
    finally:
        server.cleanup()
    assert not os.path.exists(server.base_dir)


def _fake_server(tmp_path, body):
    path = tmp_path / "fake-pgwire"
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_pgwire_fixture_mechanics(tmp_path):
    """The PgwireServer wrapper against a stand-in binary: flags, ready line, SIGTERM."""
    binary = _fake_server(tmp_path, """
        import signal, sys, time
        print("args: " + " ".join(sys.argv[1:]), file=sys.stderr, flush=True)
        signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
        print("LOG:  database system is ready to accept connections", file=sys.stderr,
              flush=True)
        while True:
            time.sleep(1)
    """)
    server = servers.PgwireServer(binary, extra_settings={"max_connections": "7"})
    try:
        server.start()
        args = server.log().splitlines()[0]
        assert args == (f"args: -D {server.data_dir} -p {server.port} -h 127.0.0.1 "
                        f"-k {server.socket_dir} -c max_connections=7")
        assert server.stop() == 0
    finally:
        server.cleanup()


def test_pgwire_fixture_reports_early_exit(tmp_path):
    binary = _fake_server(tmp_path, """
        import sys
        print("FATAL:  could not open data directory", file=sys.stderr)
        sys.exit(3)
    """)
    server = servers.PgwireServer(binary)
    try:
        with pytest.raises(servers.ServerError, match="(?s)status 3.*could not open data"):
            server.start()
    finally:
        server.cleanup()


def test_pgwire_fixture_times_out(tmp_path):
    binary = _fake_server(tmp_path, """
        import signal, sys, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)   # forces the SIGKILL path
        print("starting, but never ready", file=sys.stderr, flush=True)
        while True:
            time.sleep(1)
    """)
    server = servers.PgwireServer(binary)
    server.start_timeout = 0.5
    server.stop_grace = 0.5
    try:
        with pytest.raises(servers.ServerError, match="(?s)did not print.*never ready"):
            server.start()
        assert server.proc is None           # killed by PID, not left behind
    finally:
        server.cleanup()


# -- the wire-script runner must notice wrong answers

def _run(text, server, tmp_path):
    path = tmp_path / "case.wire"
    path.write_text(textwrap.dedent(text))
    return wirerunner.run_script(wirescript.Script(str(path)), server)


def test_wire_runner_passes_and_captures(pg_oracle, tmp_path):
    _run("""
        connect main raw
        send Startup
        expect AuthenticationOk
        expect ParameterStatus*
        expect BackendKeyData pid=$pid key=*
        expect ReadyForQuery I
        send Query "select pg_backend_pid(), 'a\\tb' as t, null as n"
        expect RowDescription names=[*, "t", "n"] types=[int4, text, text]
        expect DataRow [$pid, "a\\tb", null]
        expect CommandComplete /^SELECT 1$/
        expect ReadyForQuery I
    """, pg_oracle, tmp_path)


@pytest.mark.parametrize("wrong,why", [
    ('expect RowDescription\nexpect DataRow ["2"]', 'expected "2", got "1"'),
    ('expect CommandComplete "SELECT 2"', "expected CommandComplete"),
    ('expect RowDescription types=[int8]', "expected 20, got 23"),
    ('expect RowDescription ["?column?", ...]\nexpect DataRow []', "expected 0 items"),
    ('expect ErrorResponse', "expected ErrorResponse, got RowDescription"),
    ('expect close', "expected the server to close"),
])
def test_wire_runner_detects_mismatch(pg_oracle, tmp_path, wrong, why):
    with pytest.raises(wirerunner.WireScriptFailure) as info:
        _run('send Query "select 1"\n' + wrong + "\n", pg_oracle, tmp_path)
    assert why in str(info.value)
    assert "case.wire:" in str(info.value)          # names the line


def test_wire_runner_ignore_unordered_repeat(pg_oracle, tmp_path):
    _run("""
        ignore NoticeResponse
        send Query "rollback; select 1 as a; select 2 as b"
        expect CommandComplete "ROLLBACK"
        expect RowDescription+ ["a"]
        unordered
          expect CommandComplete "SELECT 1"
          expect DataRow ["1"]
        end
        expect RowDescription ["b"]
        expect DataRow* ["2"]
        expect CommandComplete "SELECT 1"
        expect ReadyForQuery I
    """, pg_oracle, tmp_path)


def test_wire_runner_timeouts_and_nothing(pg_oracle, tmp_path):
    with pytest.raises(wirerunner.WireScriptFailure, match="no reply within"):
        _run("timeout 0.3\nsend Parse \"select 1\"\nexpect ParseComplete\n",
             pg_oracle, tmp_path)
    with pytest.raises(wirerunner.WireScriptFailure, match="expected no message"):
        _run('send Query "select 1"\nexpect nothing\n', pg_oracle, tmp_path)


@pytest.mark.parametrize("bad", [
    "send Nonsense", "expect NotAMessage", 'send Query "unterminated',
    "send Describe", "send raw zz", "expect RowDescription types=[no_such_type]",
    "unordered\nexpect ReadyForQuery I\n",
])
def test_wire_script_syntax_errors(bad, tmp_path):
    path = tmp_path / "bad.wire"
    path.write_text(bad + "\n")
    with pytest.raises(wirescript.ScriptError):
        wirescript.Script(str(path))


def test_every_script_parses_and_is_documented():
    import glob
    paths = glob.glob(os.path.join(os.path.dirname(__file__), "..", "wire", "*.wire"))
    assert len(paths) >= 25
    for p in paths:
        script = wirescript.Script(p)
        assert script.doc, f"{p}: start the script with a comment saying what it checks"
