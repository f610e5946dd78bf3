"""TLS (issue 6): SSLRequest and its edge cases against PostgreSQL 15, PostgreSQL 17's direct
TLS with ALPN, protocol-version limits, certificate reload on SIGHUP, channel binding only
when the certificate allows it, and data volume through TLS.

The SSLRequest cases run on both servers of `servers_pair` (same certificates); direct TLS is
checked on iris-pgwire alone (PostgreSQL 15 does not have it; libpq 15 cannot ask for it, so
the client here is Python's ssl module with ALPN).
"""

import os
import signal
import socket
import ssl
import subprocess
import threading
import time

import psycopg
import pytest

from pgharness import clients, wire
from pgharness import tls as pki_tools
from pgharness.secpair import pki, servers_pair  # noqa: F401  (fixtures)


def _startup_ok(c, user="postgres"):
    c.send(wire.startup({"user": user, "database": "postgres"}))
    names = []
    while True:
        m = c.read_message(5)
        names.append(m.name)
        if m.name in ("ReadyForQuery", "ErrorResponse"):
            return m, names


def _query_one(c, sql):
    c.send(wire.query(sql))
    rows = []
    while True:
        m = c.read_message(10)
        if m.name == "DataRow":
            rows.append([v.decode() if v is not None else None for v in m["values"]])
        if m.name == "ErrorResponse":
            raise AssertionError(m)
        if m.name == "ReadyForQuery":
            return rows


# ---------------------------------------------------------------------------------------
# SSLRequest, as PostgreSQL answers it

def test_sslrequest_answered_s_on_tcp_and_n_on_unix(servers_pair):
    for name in ("oracle", "pgwire"):
        server = servers_pair[name]
        c = wire.Connection.tcp(server.host, server.port)
        c.send(wire.ssl_request())
        assert c.read_bytes(1, 5) == b"S", name
        c.close()
        c = wire.Connection.unix(server.socket_path)
        c.send(wire.ssl_request())
        assert c.read_bytes(1, 5) == b"N", name
        m, _ = _startup_ok(c)
        assert m.name == "ReadyForQuery", (name, m)
        c.close()


@pytest.mark.parametrize("second,code", [("ssl", "1234.5679"), ("gssenc", "1234.5680")])
def test_second_negotiation_inside_tls_is_refused(servers_pair, second, code):
    """After SSLRequest → 'S' → TLS, another SSLRequest (or a GSSENCRequest) is not a
    negotiation any more: PostgreSQL reads it as protocol version 1234.5679 (5680)."""
    ctx = pki_tools.tls_client_context()
    for name in ("oracle", "pgwire"):
        c = pki_tools.ssl_request_connection(servers_pair[name], ctx)
        c.send(wire.ssl_request() if second == "ssl" else wire.gssenc_request())
        m = c.read_message(5)
        assert (m.name, m["S"], m["C"], m["M"]) == (
            "ErrorResponse", "FATAL", "0A000",
            f"unsupported frontend protocol {code}: server supports 3.0 to 3.0"), (name, m)
        c.close()


def test_unencrypted_data_after_sslrequest_is_refused(servers_pair):
    """CVE-2021-23214: bytes sent with the SSLRequest, before the handshake, could come from
    a man in the middle.  PostgreSQL completes the handshake, then says so (encrypted)."""
    ctx = pki_tools.tls_client_context()
    for name in ("oracle", "pgwire"):
        server = servers_pair[name]
        c = wire.Connection.tcp(server.host, server.port)
        c.send(wire.ssl_request() + wire.startup({"user": "postgres", "database": "postgres"}))
        assert c.read_bytes(1, 5) == b"S"
        c.sock = ctx.wrap_socket(c.sock, server_hostname="localhost")
        m = c.read_message(5)
        assert (m.name, m["C"], m["M"]) == (
            "ErrorResponse", "08P01", "received unencrypted data after SSL request"), (name, m)
        assert m["D"].startswith("This could be either a client-software bug or evidence")
        c.close()


def test_unencrypted_data_after_refused_sslrequest(servers_pair):
    """Same on a Unix socket, where the answer is 'N': the early bytes are refused too."""
    for name in ("oracle", "pgwire"):
        c = wire.Connection.unix(servers_pair[name].socket_path)
        c.send(wire.ssl_request() + wire.startup({"user": "postgres", "database": "postgres"}))
        assert c.read_bytes(1, 5) == b"N"
        m = c.read_message(5)
        assert (m.name, m["C"], m["M"]) == (
            "ErrorResponse", "08P01", "received unencrypted data after SSL request"), (name, m)
        c.close()


def test_tls_version_and_cipher_reach_the_log(servers_pair, pki):
    server = servers_pair["pgwire"]
    dsn = server.dsn(user="alice", sslmode="verify-full", sslrootcert=pki["ca"].cert,
                     host="localhost", application_name="tlslog")
    with psycopg.connect(dsn, password="alice-pw", autocommit=True) as c:
        assert c.pgconn.ssl_in_use
    deadline = time.monotonic() + 5
    while "application_name=tlslog SSL enabled (protocol=TLSv1.3" not in server.log():
        assert time.monotonic() < deadline, server.log_tail()
        time.sleep(0.05)


# ---------------------------------------------------------------------------------------
# PostgreSQL 17 direct TLS

def test_direct_tls_with_alpn(servers_pair, pki):
    ctx = pki_tools.tls_client_context(ca=pki["ca"].cert, alpn=["postgresql"])
    c = pki_tools.direct_tls_connection(servers_pair["pgwire"], ctx)
    assert c.sock.selected_alpn_protocol() == "postgresql"
    m, names = _startup_ok(c, "trustuser")
    assert m.name == "ReadyForQuery", m
    assert names[0] == "AuthenticationOk"
    assert _query_one(c, "select 'direct'") == [["direct"]]
    # Inside direct TLS an SSLRequest is answered 'N' (PostgreSQL 17), not a second handshake.
    c.close()
    c = pki_tools.direct_tls_connection(servers_pair["pgwire"], ctx)
    c.send(wire.ssl_request())
    assert c.read_bytes(1, 5) == b"N"
    m, _ = _startup_ok(c, "trustuser")
    assert m.name == "ReadyForQuery"
    c.close()


def test_direct_tls_scram_plus(servers_pair, pki):
    """hostssl rules and SCRAM-SHA-256-PLUS work the same on a direct TLS connection."""
    ctx = pki_tools.tls_client_context(ca=pki["ca"].cert, alpn=["postgresql"])
    c = pki_tools.direct_tls_connection(servers_pair["pgwire"], ctx)
    c.send(wire.startup({"user": "alice", "database": "postgres"}))
    m = c.read_message(5)
    assert m["mechanisms"] == ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]
    client = pki_tools.ScramClient("alice-pw",
                                   cbind=pki_tools.tls_server_end_point(pki["server"].cert))
    c.send(pki_tools.sasl_initial_response("SCRAM-SHA-256-PLUS", client.client_first()))
    c.send(pki_tools.sasl_response(client.client_final(c.read_message(5)["data"])))
    assert client.verify_server_final(c.read_message(5)["data"])
    assert c.read_message(5).name == "AuthenticationOk"
    c.close()


def test_direct_tls_without_alpn_is_refused(servers_pair):
    server = servers_pair["pgwire"]
    ctx = pki_tools.tls_client_context()
    c = pki_tools.direct_tls_connection(server, ctx)   # handshake completes without ALPN
    c.send(wire.startup({"user": "trustuser", "database": "postgres"}))
    with pytest.raises((wire.ConnectionClosed, ssl.SSLError, ConnectionError)):
        c.read_message(5)
    deadline = time.monotonic() + 5
    text = "received direct SSL connection request without ALPN protocol negotiation extension"
    while text not in server.log():
        assert time.monotonic() < deadline, server.log_tail()
        time.sleep(0.05)


def test_direct_tls_with_other_alpn_fails_the_handshake(servers_pair):
    ctx = pki_tools.tls_client_context(alpn=["http/1.1"])
    with pytest.raises(ssl.SSLError, match="NO_APPLICATION_PROTOCOL|no application protocol"):
        pki_tools.direct_tls_connection(servers_pair["pgwire"], ctx).sock.do_handshake()


def test_direct_tls_when_ssl_is_off(pgwire_server):
    """No TLS configured: a ClientHello gets the connection closed, nothing else."""
    s = socket.create_connection((pgwire_server.host, pgwire_server.port), timeout=5)
    ctx = pki_tools.tls_client_context(alpn=["postgresql"])
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        ctx.wrap_socket(s, server_hostname="localhost")
    s.close()


# ---------------------------------------------------------------------------------------
# settings

def _tls_server(make_pgwire, pki, **settings):
    base = dict(ssl="on", ssl_cert_file=pki["server"].cert, ssl_key_file=pki["server"].key)
    base.update(settings)
    return make_pgwire(**base)


def test_ssl_min_protocol_version(make_pgwire, pki):
    server = _tls_server(make_pgwire, pki, ssl_min_protocol_version="TLSv1.3")
    ctx = pki_tools.tls_client_context(max_version=ssl.TLSVersion.TLSv1_2)
    with pytest.raises((ssl.SSLError, ConnectionError)):
        pki_tools.ssl_request_connection(server, ctx)
    deadline = time.monotonic() + 5
    while "does not support any SSL protocol version between TLSv1.3 and TLSv1.3" not in server.log():
        assert time.monotonic() < deadline, server.log_tail()
        time.sleep(0.05)
    ok = pki_tools.ssl_request_connection(server, pki_tools.tls_client_context())
    assert ok.sock.version() == "TLSv1.3"
    ok.close()


def test_bad_key_permissions_stop_the_server(pgwire_bin, pki, tmp_path):
    key = str(tmp_path / "server.key")
    pki_tools.copy_private(pki["server"].key, key)
    os.chmod(key, 0o644)
    from pgharness import servers
    server = servers.PgwireServer(pgwire_bin, extra_settings=dict(
        ssl="on", ssl_cert_file=pki["server"].cert, ssl_key_file=key))
    with pytest.raises(servers.ServerError, match="has group or world access"):
        server.start()
    server.cleanup()


def _hup_and_wait(server, count_before):
    os.kill(server.pid, signal.SIGHUP)
    deadline = time.monotonic() + 5
    while server.log().count("received SIGHUP") <= count_before:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.2)   # the reload runs right after the line


def _verify_ca(server, ca):
    dsn = server.dsn(user="postgres", sslmode="verify-ca", sslrootcert=ca)
    try:
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute("select 1")
        return True
    except psycopg.OperationalError:
        return False


def test_certificate_reloaded_on_sighup(make_pgwire, tmp_path):
    d = str(tmp_path)
    ca1 = pki_tools.make_ca(d, name="ca-one")
    ca2 = pki_tools.make_ca(d, name="ca-two")
    one = pki_tools.make_cert(d, ca1, "localhost", name="one", san="IP:127.0.0.1")
    two = pki_tools.make_cert(d, ca2, "localhost", name="two", san="IP:127.0.0.1")
    cert, key = os.path.join(d, "live.crt"), os.path.join(d, "live.key")
    pki_tools.copy_private(one.cert, cert)
    pki_tools.copy_private(one.key, key)
    server = make_pgwire(ssl="on", ssl_cert_file=cert, ssl_key_file=key)
    assert _verify_ca(server, ca1.cert) and not _verify_ca(server, ca2.cert)
    before = psycopg.connect(server.dsn(sslmode="verify-ca", sslrootcert=ca1.cert), autocommit=True)

    pki_tools.copy_private(two.cert, cert)
    pki_tools.copy_private(two.key, key)
    _hup_and_wait(server, server.log().count("received SIGHUP"))
    assert _verify_ca(server, ca2.cert) and not _verify_ca(server, ca1.cert)
    # A connection that started on the old certificate keeps working.
    assert before.execute("select 'still here'").fetchone() == ("still here",)

    with open(key, "w") as f:
        f.write("not a key\n")
    _hup_and_wait(server, server.log().count("received SIGHUP"))
    assert "SSL configuration was not reloaded" in server.log()
    assert _verify_ca(server, ca2.cert), "a broken reload must keep the previous context"
    before.close()


def test_no_channel_binding_with_ed25519_certificate(make_pgwire, tmp_path):
    """tls-server-end-point has no hash for Ed25519 signatures (RFC 5929): SCRAM-SHA-256-PLUS
    is not offered, so channel_binding=require fails and prefer logs in with plain SCRAM."""
    d = str(tmp_path)
    ca = pki_tools.make_ca(d, name="ed-ca", kind="ed25519")
    srv = pki_tools.make_cert(d, ca, "localhost", name="ed", san="IP:127.0.0.1", kind="ed25519")
    hba = os.path.join(d, "hba.conf")
    with open(hba, "w") as f:
        f.write("host all all 127.0.0.1/32 scram-sha-256\n")
    users = os.path.join(d, "users")
    r = subprocess.run([os.environ["PGWIRE_BIN"], "passwd", "--users-file", users, "alice"],
                       input="alice-pw\n", capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    server = make_pgwire(ssl="on", ssl_cert_file=srv.cert, ssl_key_file=srv.key, hba_file=hba,
                         users_file=users)
    c = pki_tools.ssl_request_connection(server, pki_tools.tls_client_context())
    c.send(wire.startup({"user": "alice", "database": "postgres"}))
    assert c.read_message(5)["mechanisms"] == ["SCRAM-SHA-256"]
    c.close()
    base = dict(user="alice", sslmode="require", passfile="/nonexistent")
    with pytest.raises(psycopg.OperationalError, match="channel binding"):
        psycopg.connect(server.dsn(channel_binding="require", **base), password="alice-pw")
    with psycopg.connect(server.dsn(channel_binding="prefer", **base), password="alice-pw") as conn:
        assert conn.execute("select 1").fetchone() == (1,)


# ---------------------------------------------------------------------------------------
# data through TLS

def test_large_results_and_concurrency_over_tls(make_pgwire, pki):
    server = _tls_server(make_pgwire, pki)
    dsn = server.dsn(sslmode="require")
    with psycopg.connect(dsn, autocommit=True) as c:
        big = c.execute("select %s::text", ("x" * 3000000,)).fetchone()[0]
        assert big == "x" * 3000000
        c.execute("create table tls_t (id int, payload text)")
        with c.cursor() as cur:
            cur.executemany("insert into tls_t values (%s, %s)",
                            [(i, "z" * 500) for i in range(2000)])
        assert c.execute("select count(*), sum(length(payload)) from tls_t").fetchone() == (2000, 1000000)
        rows = c.execute("select a.id, a.payload from tls_t a, tls_t b where b.id < 5").fetchall()
        assert len(rows) == 10000 and all(p == "z" * 500 for _, p in rows)
    errors = []

    def work(i):
        try:
            with psycopg.connect(dsn, autocommit=True) as c:
                for _ in range(20):
                    assert c.execute("select %s::int + 1", (i,)).fetchone() == (i + 1,)
        except Exception as e:   # reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]


def test_psql_over_tls_with_verify_full(make_pgwire, pki):
    server = _tls_server(make_pgwire, pki)
    env = server.env()
    r = subprocess.run([clients.PSQL, "-X", "-A", "-t", "-d",
                        f"host=localhost port={server.port} user=postgres dbname=postgres "
                        f"sslmode=verify-full sslrootcert={pki['ca'].cert}",
                        "-c", "select 'verified'"], capture_output=True, text=True, env=env,
                       timeout=30)
    assert (r.returncode, r.stdout.strip()) == (0, "verified"), r.stderr
