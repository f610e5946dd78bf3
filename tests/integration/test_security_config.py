"""Security configuration (issue 6): `iris-pgwire passwd`, the users file and pg_hba.conf
loaded at start and reloaded on SIGHUP (a broken file keeps the previous rules), the safe
defaults (127.0.0.1 only; without hba_file, trust on loopback and the Unix socket and no
entry for any other address), the per-user and total connection limits, and the limits on
startup packets.
"""

import os
import signal
import socket
import stat
import struct
import subprocess
import time

import psycopg
import pytest

from pgharness import clients, servers, wire


def passwd(users, user, password, *args):
    return subprocess.run([os.environ["PGWIRE_BIN"], "passwd", "--users-file", users, *args, user],
                          input=password + "\n", capture_output=True, text=True, timeout=30)


def hup(server):
    before = server.log().count("received SIGHUP")
    os.kill(server.pid, signal.SIGHUP)
    deadline = time.monotonic() + 5
    while server.log().count("received SIGHUP") <= before:
        assert time.monotonic() < deadline, server.log_tail()
        time.sleep(0.02)
    time.sleep(0.2)


def login(server, user="postgres", password=None, **params):
    kw = {"password": password} if password is not None else {}
    try:
        with psycopg.connect(server.dsn(user=user, passfile="/nonexistent", **params),
                             autocommit=True, **kw) as c:
            return c.execute("select current_user").fetchone()[0]
    except psycopg.OperationalError as e:
        return str(e)


def test_passwd_writes_verifiers_only(tmp_path):
    users = str(tmp_path / "users")
    r = passwd(users, "alice", "correct horse")
    assert r.returncode == 0, r.stderr
    r = passwd(users, "legacy", "old secret", "-c", "password_encryption=md5")
    assert r.returncode == 0, r.stderr
    r = passwd(users, "fast", "x", "-c", "scram_iterations=10000")
    assert r.returncode == 0, r.stderr
    text = open(users).read()
    assert "correct horse" not in text and "old secret" not in text
    lines = dict(line.split(":", 1) for line in text.splitlines() if line and not line.startswith("#"))
    assert lines["alice"].startswith("SCRAM-SHA-256$4096:")
    assert lines["legacy"].startswith("md5") and len(lines["legacy"]) == 35
    assert lines["fast"].startswith("SCRAM-SHA-256$10000:")
    assert stat.S_IMODE(os.stat(users).st_mode) == 0o600
    # The password never appears on the command line or in the output.
    assert "correct horse" not in r.stdout + r.stderr


def test_passwd_then_sighup_lets_the_user_in(make_pgwire, tmp_path):
    users = str(tmp_path / "users")
    assert passwd(users, "alice", "first").returncode == 0
    hba = tmp_path / "hba.conf"
    hba.write_text("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
    server = make_pgwire(hba_file=str(hba), users_file=users)
    assert login(server, "alice", "first") == "alice"
    assert "password authentication failed" in login(server, "bob", "second")
    assert passwd(users, "bob", "second").returncode == 0
    assert passwd(users, "alice", "changed").returncode == 0
    hup(server)
    assert login(server, "bob", "second") == "bob"
    assert login(server, "alice", "changed") == "alice"
    assert "password authentication failed" in login(server, "alice", "first")


def test_users_file_with_plaintext_password_stops_the_server(pgwire_bin, tmp_path):
    users = tmp_path / "users"
    assert passwd(str(users), "alice", "pw").returncode == 0
    with open(users, "a") as f:
        f.write("bob:hunter2\n")
    server = servers.PgwireServer(pgwire_bin, extra_settings={"users_file": str(users)})
    with pytest.raises(servers.ServerError, match='holds a plaintext password for user "bob"'):
        server.start()
    server.cleanup()


def test_users_file_readable_by_others_stops_the_server(pgwire_bin, tmp_path):
    users = str(tmp_path / "users")
    assert passwd(users, "alice", "pw").returncode == 0
    os.chmod(users, 0o644)
    server = servers.PgwireServer(pgwire_bin, extra_settings={"users_file": users})
    with pytest.raises(servers.ServerError, match="group or world access"):
        server.start()
    server.cleanup()


def test_bad_hba_file_stops_the_server(pgwire_bin, tmp_path):
    hba = tmp_path / "hba.conf"
    hba.write_text("host all all 127.0.0.1/32 trust\nhost all all 10.0.0.0/33 trust\n")
    server = servers.PgwireServer(pgwire_bin, extra_settings={"hba_file": str(hba)})
    with pytest.raises(servers.ServerError) as e:
        server.start()
    assert 'invalid CIDR mask in address "10.0.0.0/33"' in str(e.value)
    assert 'line 2 of configuration file' in str(e.value)
    server.cleanup()


def test_hba_reloaded_on_sighup_and_broken_reload_keeps_rules(make_pgwire, tmp_path):
    hba = tmp_path / "hba.conf"
    hba.write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    server = make_pgwire(hba_file=str(hba))
    assert login(server) == "postgres"
    hba.write_text("local all all trust\nhost all postgres 127.0.0.1/32 reject\n"
                   "host all all 127.0.0.1/32 trust\n")
    hup(server)
    assert 'pg_hba.conf rejects connection for host "127.0.0.1", user "postgres"' in login(server)
    assert login(server, "other") == "other"
    # A file that does not parse leaves the rules as they were.
    hba.write_text("host all all 127.0.0.1/32 nosuchmethod\n")
    hup(server)
    assert "pg_hba.conf and users file were not reloaded" in server.log()
    assert 'invalid authentication method "nosuchmethod"' in server.log()
    assert login(server, "other") == "other"
    assert "rejects connection" in login(server)
    # The Unix socket line still applies: the administrator can always get in locally.
    with psycopg.connect(server.unix_dsn(), autocommit=True) as c:
        assert c.execute("select 1").fetchone() == (1,)


def test_default_rules_trust_loopback_only(pgwire_server):
    """No hba_file: 127.0.0.1 and the Unix socket are trusted, any other address has no
    pg_hba.conf entry, even another loopback address."""
    assert login(pgwire_server) == "postgres"
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    s.bind(("127.0.0.2", 0))
    s.connect((pgwire_server.host, pgwire_server.port))
    c = wire.Connection(s)
    c.send(wire.startup({"user": "postgres", "database": "postgres"}))
    m = c.read_message(5)
    assert (m.name, m["C"], m["M"]) == (
        "ErrorResponse", "28000",
        'no pg_hba.conf entry for host "127.0.0.2", user "postgres", database "postgres", no encryption')
    c.close()


def test_default_listen_address_is_loopback(pgwire_bin, tmp_path):
    """Started with no -h, the server listens on 127.0.0.1 only."""
    port = servers.free_port()
    proc = subprocess.Popen([pgwire_bin, "-D", str(tmp_path / "data"), "-p", str(port), "-k", ""],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 10
        while servers.READY_LINE not in "".join(lines):
            assert time.monotonic() < deadline
            lines.append(proc.stdout.readline())
        text = "".join(lines)
        assert f'listening on "127.0.0.1", port {port}' in text
        assert text.count("listening on") == 1
        with open("/proc/net/tcp") as f:
            listening = [l.split()[1] for l in f.readlines()[1:] if l.split()[3] == "0A"]
        assert f"0100007F:{port:04X}" in listening
        assert f"00000000:{port:04X}" not in listening
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


def test_max_connections_per_user(make_pgwire):
    server = make_pgwire(max_connections_per_user=2)
    held = [clients.connect(server), clients.connect(server)]
    assert 'FATAL:  too many connections for role "postgres"' in login(server)
    c = wire.Connection.tcp(server.host, server.port)
    c.send(wire.startup({"user": "postgres", "database": "postgres"}))
    assert c.read_message(5).name == "AuthenticationOk"
    m = c.read_message(5)
    assert (m.name, m["S"], m["C"], m["M"]) == (
        "ErrorResponse", "FATAL", "53300", 'too many connections for role "postgres"')
    c.close()
    assert login(server, "someone_else") == "someone_else"
    held.pop().close()
    time.sleep(0.2)
    assert login(server) == "postgres"
    for h in held:
        h.close()


def test_max_connections(make_pgwire):
    server = make_pgwire(max_connections=3)
    held = [clients.connect(server) for _ in range(3)]
    assert "sorry, too many clients already" in login(server)
    for h in held:
        h.close()
    time.sleep(0.2)
    assert login(server) == "postgres"


def _startup_with(params):
    body = struct.pack("!i", 196608)
    for k, v in params:
        body += k.encode() + b"\0" + v.encode() + b"\0"
    body += b"\0"
    return struct.pack("!i", len(body) + 4) + body


def test_startup_packet_limits(make_pgwire):
    server = make_pgwire(max_startup_packet_size=512, max_startup_parameters=8)
    # Over the size limit: closed without a reply, as PostgreSQL does over 10000 bytes.
    c = wire.Connection.tcp(server.host, server.port)
    c.send(_startup_with([("user", "postgres"), ("application_name", "x" * 600)]))
    with pytest.raises(wire.ConnectionClosed) as e:
        c.read_message(5)
    assert e.value.pending == b""
    c.close()
    # Too many parameters.
    c = wire.Connection.tcp(server.host, server.port)
    c.send(_startup_with([("user", "postgres")] + [(f"x.p{i}", "v") for i in range(9)]))
    m = c.read_message(5)
    assert (m.name, m["S"], m["C"], m["M"]) == ("ErrorResponse", "FATAL", "08P01",
                                                 "too many startup parameters")
    c.close()
    # At the limits: fine.
    c = wire.Connection.tcp(server.host, server.port)
    c.send(_startup_with([("user", "postgres")] + [(f"x.p{i}", "v") for i in range(8)]))
    names = []
    while not names or names[-1] not in ("ReadyForQuery", "ErrorResponse"):
        names.append(c.read_message(5).name)
    assert names[-1] == "ReadyForQuery", names
    c.close()
