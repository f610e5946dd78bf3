"""Cancel and timeouts (issue 6), on PostgreSQL 15 and iris-pgwire alike (`target`).

Cancel from every client that users have: a raw CancelRequest (latency measured), libpq's
PQcancel through psycopg's cancel(), psql on SIGINT and on Ctrl-C under tmux, and JDBC's
Statement.cancel().  A cancel must stop exactly the running statement: one that arrives
while the session is idle does nothing to the next query, a wrong key does nothing at all.
Timeouts: statement_timeout, lock_timeout, idle_in_transaction_session_timeout with
PostgreSQL's SQLSTATEs and texts, and authentication_timeout dropping a silent client.

The issue's latency bound (a running `pg_sleep(30)` ends within 100 ms of the cancel request)
is a performance figure: bench/security_latency.py measures it against PostgreSQL 15 and prints
medians.  These tests print the figures (pytest -s) but assert only that the cancel, not the
statement's end, stopped the work: a bound far above the latency and far below pg_sleep(30),
because shared CI machines stall for hundreds of milliseconds (PostgreSQL itself missed 100 ms
here under load).
"""

import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time

import psycopg
import pytest

from pgharness import clients, wire

CANCEL_BOUND_S = 5.0   # functional: the cancel ended the statement (see above)


def _open(server):
    """A raw connection after startup; returns (connection, pid, key)."""
    c = wire.Connection.tcp(server.host, server.port)
    c.send(wire.startup({"user": server.user, "database": server.dbname}))
    pid = key = None
    while True:
        m = c.read_message(10)
        if m.name == "BackendKeyData":
            pid, key = m["pid"], m["key"]
        if m.name == "ErrorResponse":
            raise AssertionError(m)
        if m.name == "ReadyForQuery":
            return c, pid, key


def _send_cancel(server, pid, key):
    s = socket.create_connection((server.host, server.port), timeout=5)
    s.sendall(wire.cancel_request(pid, key))
    sent = time.perf_counter()
    # PostgreSQL closes the cancel connection without a word.
    assert s.recv(1) == b""
    s.close()
    return sent


def _until(c, names, timeout=10):
    got = []
    while True:
        m = c.read_message(timeout)
        got.append(m)
        if m.name in names:
            return m, got


def _run_simple(c, sql):
    c.send(wire.query(sql))
    _, got = _until(c, ("ReadyForQuery",))
    return got


def measure_raw_cancel(server, rounds=10):
    """Seconds from the CancelRequest leaving the client to the ErrorResponse arriving."""
    c, pid, key = _open(server)
    figures = []
    try:
        for _ in range(rounds):
            c.send(wire.query("select pg_sleep(30)"))
            time.sleep(0.2)
            sent = _send_cancel(server, pid, key)
            err, _ = _until(c, ("ErrorResponse",))
            figures.append(time.perf_counter() - sent)
            assert (err["S"], err["C"], err["M"]) == (
                "ERROR", "57014", "canceling statement due to user request")
            _until(c, ("ReadyForQuery",))
    finally:
        c.close()
    return figures


def test_raw_cancel_latency(target):
    figures = measure_raw_cancel(target)
    print(f"\n{target.name}: cancel → ErrorResponse: median {statistics.median(figures) * 1000:.2f} ms, "
          f"max {max(figures) * 1000:.2f} ms over {len(figures)} rounds")
    assert max(figures) < CANCEL_BOUND_S, figures


def test_cancel_cpu_bound_query(target):
    """Not only pg_sleep: a join that would run for hours stops as fast."""
    c, pid, key = _open(target)
    _run_simple(c, "drop table if exists cpu_t")
    _run_simple(c, "create table cpu_t (i int)")
    _run_simple(c, "insert into cpu_t values (1),(2),(3),(4),(5),(6),(7),(8),(9),(10)")
    _run_simple(c, "insert into cpu_t select a.i from cpu_t a, cpu_t b, cpu_t c")
    figures = []
    for _ in range(5):
        c.send(wire.query("select count(*) from cpu_t a, cpu_t b, cpu_t c, cpu_t d"))
        time.sleep(0.3)
        sent = _send_cancel(target, pid, key)
        err, _ = _until(c, ("ErrorResponse",))
        figures.append(time.perf_counter() - sent)
        assert err["C"] == "57014", err
        _until(c, ("ReadyForQuery",))
    _run_simple(c, "drop table cpu_t")
    c.close()
    print(f"\n{target.name}: cancel of a 10^12-row join: max {max(figures) * 1000:.2f} ms")
    assert max(figures) < CANCEL_BOUND_S, figures


def test_psycopg_cancel(target):
    """psycopg's Connection.cancel() is libpq's PQcancel."""
    with clients.connect(target) as conn:
        timer = {}

        def cancel_later():
            time.sleep(0.5)
            timer["t0"] = time.perf_counter()
            conn.cancel()

        t = threading.Thread(target=cancel_later)
        t.start()
        with pytest.raises(psycopg.errors.QueryCanceled) as e:
            conn.execute("select pg_sleep(30)")
        elapsed = time.perf_counter() - timer["t0"]
        t.join()
        assert e.value.sqlstate == "57014"
        assert e.value.diag.message_primary == "canceling statement due to user request"
        print(f"\n{target.name}: PQcancel → exception {elapsed * 1000:.2f} ms")
        assert elapsed < CANCEL_BOUND_S
        assert conn.execute("select 'after'").fetchone() == ("after",)


def test_cancel_while_idle_does_not_hit_the_next_query(target):
    with clients.connect(target) as conn:
        conn.execute("select 1")
        conn.cancel()          # nothing runs: PostgreSQL drops it
        time.sleep(0.2)
        assert conn.execute("select pg_sleep(0.3), 'ran'").fetchone()[1] == "ran"
        c, pid, key = _open(target)
        _send_cancel(target, pid, key)
        time.sleep(0.1)
        got = _run_simple(c, "select pg_sleep(0.2)")
        assert [m.name for m in got] == ["RowDescription", "DataRow", "CommandComplete", "ReadyForQuery"]
        c.close()


def test_cancel_with_wrong_key_does_nothing(target):
    c, pid, key = _open(target)
    c.send(wire.query("select pg_sleep(0.5)"))
    time.sleep(0.1)
    _send_cancel(target, pid, (key + 1) & 0x7FFFFFFF)
    _send_cancel(target, 0x7FFFFFF0, key)
    _, got = _until(c, ("ReadyForQuery",))
    assert "ErrorResponse" not in [m.name for m in got]
    c.close()
    deadline = time.monotonic() + 5
    while f"wrong key in cancel request for process {pid}" not in target.log():
        assert time.monotonic() < deadline, target.log_tail()
        time.sleep(0.05)


def test_psql_cancel_on_sigint(target):
    env = target.env()
    p = subprocess.Popen([clients.PSQL, "-X", "-c", "select pg_sleep(30)"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    t0 = time.perf_counter()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    elapsed = time.perf_counter() - t0
    assert p.returncode == 1, (out, err)
    assert "Cancel request sent" in err
    assert "ERROR:  canceling statement due to user request" in err
    print(f"\n{target.name}: psql SIGINT → psql exited {elapsed * 1000:.1f} ms")
    assert elapsed < CANCEL_BOUND_S


@pytest.mark.skipif(not shutil.which("tmux"), reason="tmux is not installed")
def test_psql_ctrl_c_under_tmux(target):
    """What a user does: psql in a terminal, a long query, Ctrl-C, and psql goes on."""
    sock = f"pgw-cancel-{os.getpid()}-{target.port}"
    dsn = f"host={target.host} port={target.port} user={target.user} dbname={target.dbname}"
    tmux = ["tmux", "-L", sock, "-f", "/dev/null"]
    subprocess.run(tmux + ["new-session", "-d", "-s", "t", "-x", "200", "-y", "50",
                           f"{clients.PSQL} -X -P pager=off '{dsn}'"], check=True,
                   env=dict(target.env(), TERM="xterm"))
    try:
        def screen():
            return subprocess.run(tmux + ["capture-pane", "-p", "-t", "t"], capture_output=True,
                                  text=True).stdout

        def wait_for(text, timeout=10):
            deadline = time.monotonic() + timeout
            while text not in screen():
                assert time.monotonic() < deadline, f"{text!r} not on screen:\n{screen()}"
                time.sleep(0.05)

        wait_for("=#")
        # (a word ending in ';' separates tmux commands: psql's \\g runs the query instead)
        subprocess.run(tmux + ["send-keys", "-t", "t", "select pg_sleep(30) \\g", "Enter"], check=True)
        time.sleep(1.0)
        subprocess.run(tmux + ["send-keys", "-t", "t", "C-c"], check=True)
        wait_for("canceling statement due to user request", timeout=5)
        subprocess.run(tmux + ["send-keys", "-t", "t", "select 'after' || 'cancel' \\g", "Enter"], check=True)
        wait_for("aftercancel")
    finally:
        subprocess.run(tmux + ["kill-server"], capture_output=True)


JAVA_CANCEL = r"""
import java.sql.*;

public class CancelTest {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0])) {
            Statement st = c.createStatement();
            final long[] cancelAt = new long[1];
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(700);
                    cancelAt[0] = System.nanoTime();
                    st.cancel();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            t.start();
            try {
                st.executeQuery("select pg_sleep(30)");
                System.out.println("NOT-CANCELLED");
            } catch (SQLException e) {
                long now = System.nanoTime();
                System.out.println("SQLSTATE=" + e.getSQLState());
                System.out.println("MESSAGE=" + e.getMessage());
                System.out.printf("LATENCY_MS=%.3f%n", (now - cancelAt[0]) / 1e6);
            }
            t.join();
            ResultSet rs = st.executeQuery("select 'after'");
            rs.next();
            System.out.println("AFTER=" + rs.getString(1));
        }
    }
}
"""
JDBC_JAR = "/usr/share/java/postgresql.jar"


@pytest.fixture(scope="module")
def java_cancel_class():
    if not (shutil.which("javac") and shutil.which("java") and os.path.exists(JDBC_JAR)):
        pytest.skip("javac, java or libpostgresql-jdbc-java missing")
    d = tempfile.mkdtemp(prefix="pgw-jdbc-")
    with open(os.path.join(d, "CancelTest.java"), "w") as f:
        f.write(JAVA_CANCEL)
    subprocess.run(["javac", "-d", d, os.path.join(d, "CancelTest.java")], check=True,
                   capture_output=True)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_jdbc_statement_cancel(target, java_cancel_class):
    url = (f"jdbc:postgresql://{target.host}:{target.port}/{target.dbname}"
           f"?user={target.user}&sslmode=disable")
    r = subprocess.run(["java", "-cp", f"{java_cancel_class}:{JDBC_JAR}", "CancelTest", url],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    out = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
    assert out["SQLSTATE"] == "57014", r.stdout
    assert out["MESSAGE"] == "ERROR: canceling statement due to user request", r.stdout
    assert out["AFTER"] == "after"
    print(f"\n{target.name}: JDBC Statement.cancel() → SQLException {float(out['LATENCY_MS']):.2f} ms")
    assert float(out["LATENCY_MS"]) < CANCEL_BOUND_S * 1000


def test_cancel_reaches_a_session_waiting_for_an_engine_connection(make_pgwire):
    """With one engine connection, a second client's query waits behind an open
    transaction; a cancel must end that wait at once (PostgreSQL cancels lock waits)."""
    server = make_pgwire(engine_pool_size=1)
    holder = clients.connect(server)
    holder.execute("create table parked_t (id int)")
    holder.execute("begin")
    holder.execute("insert into parked_t values (1)")
    waiter = clients.connect(server)
    result = {}

    def run():
        try:
            waiter.execute("select count(*) from parked_t")
            result["ok"] = True
        except psycopg.Error as e:
            result["err"] = e
            result["at"] = time.perf_counter()

    t = threading.Thread(target=run)
    t.start()
    time.sleep(0.5)
    assert t.is_alive(), "the second query should be waiting for the engine connection"
    t0 = time.perf_counter()
    waiter.cancel()
    t.join(5)
    assert "err" in result, result
    assert result["err"].sqlstate == "57014"
    assert result["at"] - t0 < CANCEL_BOUND_S
    holder.execute("commit")
    assert waiter.execute("select count(*) from parked_t").fetchone() == (1,)
    holder.close()
    waiter.close()


# ---------------------------------------------------------------------------------------
# timeouts

def test_statement_timeout(target):
    with clients.connect(target) as conn:
        conn.execute("set statement_timeout = '200ms'")
        t0 = time.perf_counter()
        with pytest.raises(psycopg.errors.QueryCanceled) as e:
            conn.execute("select pg_sleep(5)")
        elapsed = time.perf_counter() - t0
        assert e.value.diag.message_primary == "canceling statement due to statement timeout"
        assert 0.19 < elapsed < CANCEL_BOUND_S, elapsed   # not early; the timeout, not pg_sleep, ended it
        assert conn.execute("select 'next'").fetchone() == ("next",)


def test_statement_timeout_from_configuration(make_pgwire):
    server = make_pgwire(statement_timeout="150ms")
    with clients.connect(server) as conn:
        assert conn.execute("show statement_timeout").fetchone() == ("150ms",)
        with pytest.raises(psycopg.errors.QueryCanceled, match="statement timeout"):
            conn.execute("select pg_sleep(3)")


def test_lock_timeout(target):
    with clients.connect(target) as a, clients.connect(target) as b:
        a.execute("drop table if exists lock_t")
        a.execute("create table lock_t (id int primary key, v int)")
        a.execute("insert into lock_t values (1, 0)")
        a.execute("begin")
        a.execute("update lock_t set v = 1 where id = 1")
        b.execute("set lock_timeout = '200ms'")
        t0 = time.perf_counter()
        with pytest.raises(psycopg.errors.LockNotAvailable) as e:
            b.execute("update lock_t set v = 2 where id = 1")
        elapsed = time.perf_counter() - t0
        assert e.value.sqlstate == "55P03"
        assert e.value.diag.message_primary == "canceling statement due to lock timeout"
        assert 0.19 < elapsed < CANCEL_BOUND_S, elapsed
        a.execute("commit")
        b.execute("update lock_t set v = 2 where id = 1")
        a.execute("drop table lock_t")


def test_idle_in_transaction_session_timeout(target):
    c, _, _ = _open(target)
    _run_simple(c, "set idle_in_transaction_session_timeout = '300ms'")
    _run_simple(c, "begin")
    _run_simple(c, "select 1")
    t0 = time.perf_counter()
    m = c.read_message(5)
    elapsed = time.perf_counter() - t0
    assert (m.name, m["S"], m["C"], m["M"]) == (
        "ErrorResponse", "FATAL", "25P03", "terminating connection due to idle-in-transaction timeout")
    assert elapsed < CANCEL_BOUND_S
    with pytest.raises(wire.ConnectionClosed):
        c.read_message(2)
    c.close()


def _silent_drop(server, prelude=b"", expect_first=None):
    c = wire.Connection.tcp(server.host, server.port)
    t0 = time.perf_counter()
    if prelude:
        c.send(prelude)
    if expect_first:
        assert c.read_message(5).name == expect_first
    with pytest.raises(wire.ConnectionClosed) as e:
        c.read_bytes(1, 10) if not expect_first else c.read_message(10)
    assert e.value.pending == b"", "nothing may be sent before the drop"
    c.close()
    return time.perf_counter() - t0


def test_authentication_timeout_drops_silent_clients(make_pgwire, tmp_path):
    hba = tmp_path / "hba.conf"
    hba.write_text("host all pwuser 127.0.0.1/32 password\nhost all all 127.0.0.1/32 trust\n")
    server = make_pgwire(authentication_timeout="1s", hba_file=str(hba), ssl="off")
    # Connects and sends nothing.
    elapsed = _silent_drop(server)
    assert 0.95 < elapsed < CANCEL_BOUND_S, elapsed
    # Sends half a startup packet.
    elapsed = _silent_drop(server, prelude=b"\x00\x00\x00\x30\x00\x03")
    assert 0.95 < elapsed < CANCEL_BOUND_S, elapsed
    # Is asked for a password and never answers: logged, not told.
    elapsed = _silent_drop(server, prelude=wire.startup({"user": "pwuser", "database": "postgres"}),
                           expect_first="AuthenticationCleartextPassword")
    assert 0.95 < elapsed < CANCEL_BOUND_S, elapsed
    deadline = time.monotonic() + 3
    while "canceling authentication due to timeout" not in server.log():
        assert time.monotonic() < deadline, server.log_tail()
        time.sleep(0.05)
    # Other clients are served meanwhile and afterwards.
    with clients.connect(server) as conn:
        assert conn.execute("select 1").fetchone() == (1,)


def test_authentication_timeout_covers_the_tls_handshake(make_pgwire, tmp_path):
    from pgharness import tls as pki_tools
    ca = pki_tools.make_ca(str(tmp_path))
    cert = pki_tools.make_cert(str(tmp_path), ca, "localhost", name="srv")
    server = make_pgwire(authentication_timeout="1s", ssl="on", ssl_cert_file=cert.cert,
                         ssl_key_file=cert.key)
    c = wire.Connection.tcp(server.host, server.port)
    t0 = time.perf_counter()
    c.send(wire.ssl_request())
    assert c.read_bytes(1, 5) == b"S"
    with pytest.raises(wire.ConnectionClosed):
        c.read_bytes(1, 10)   # no ClientHello ever comes
    assert 0.95 < time.perf_counter() - t0 < 1.5
    c.close()


def test_cancels_racing_with_disconnects(pgwire_server):
    """CancelRequests aimed at sessions that are ending: the registry must never reach a
    session whose SQL session is being destroyed (run under SAN=1 to see it)."""
    keys = []
    stop = time.monotonic() + 3
    errors = []

    def churn():
        try:
            while time.monotonic() < stop:
                c, pid, key = _open(pgwire_server)
                keys.append((pid, key))
                c.send(wire.query("select pg_sleep(0.01)"))
                _until(c, ("ReadyForQuery",))   # cancelled or not; then gone
                c.close()
        except Exception as e:   # reported below
            errors.append(e)

    def fire():
        while time.monotonic() < stop:
            for pid, key in list(keys[-10:]):
                try:
                    s = socket.create_connection((pgwire_server.host, pgwire_server.port), timeout=5)
                    s.sendall(wire.cancel_request(pid, key))
                    s.close()
                except OSError:
                    pass
            time.sleep(0.02)   # about 1000 cancels a second: a race, not a flood

    threads = [threading.Thread(target=churn) for _ in range(6)] + [threading.Thread(target=fire) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert len(keys) > 50
    with clients.connect(pgwire_server) as conn:
        assert conn.execute("select 'alive'").fetchone() == ("alive",)
