"""Authentication and access rules against PostgreSQL 15 as the oracle (issue 6).

One PostgreSQL 15 and one iris-pgwire run with the same pg_hba.conf, the same certificates
(a CA made at test time) and the same password verifiers: the roles are created in
PostgreSQL and their pg_authid.rolpassword values are copied into iris-pgwire's users file.
Every login case then runs through psycopg (libpq) and psql against both, and the outcome
and the error text libpq reports must be the same, apart from the port number.  Each case
also states what must happen, so that two servers failing the same way cannot pass.

Cases: every method (trust, reject, password, md5, md5 with a SCRAM verifier, scram-sha-256,
cert, clientcert=verify-full), every sslmode, channel_binding=require accepted (SCRAM-SHA-256
-PLUS over TLS) and refused (no TLS, or MD5), wrong passwords, unknown users, and rules that
reject by address, by database, and allow only hostssl.  Raw-wire tests look at the SASL
messages themselves (mechanisms offered, mock salt of unknown users, SQLSTATEs).
"""

import re
import socket
import subprocess
import time

import psycopg
import pytest

from pgharness import clients, wire
from pgharness import tls as pki_tools

from pgharness.secpair import HBA, pki, servers_pair  # noqa: F401  (fixtures)


# ---------------------------------------------------------------------------------------
# clients

def _normalize(text):
    text = re.sub(r"port \d+", "port N", text)
    return text.strip()


def _params(server, pki, user, sslmode="disable", cert=None, rootca=False, **extra):
    p = {"user": user, "sslmode": sslmode, "passfile": "/nonexistent"}
    if rootca:
        p["sslrootcert"] = pki["ca"].cert
    if cert:
        p["sslcert"] = pki[cert].cert
        p["sslkey"] = pki[cert].key
    p.update(extra)
    return p


def login_psycopg(server, params, password=None):
    kw = {"password": password} if password is not None else {}
    try:
        with psycopg.connect(server.dsn(**params), autocommit=True, **kw) as c:
            c.execute("select 1").fetchone()
        return True, ""
    except psycopg.OperationalError as e:
        return False, _normalize(str(e))


def login_psql(server, params, password=None):
    dsn = server.dsn(**params)
    env = server.env()
    for k in ("PGUSER", "PGDATABASE"):
        env.pop(k, None)
    if password is not None:
        env["PGPASSWORD"] = password
    r = subprocess.run([clients.PSQL, "-X", "-w", "-A", "-t", "-d", dsn, "-c", "select 42"],
                       capture_output=True, text=True, env=env, timeout=30)
    if r.returncode == 0:
        assert r.stdout.strip() == "42"
        return True, ""
    return False, _normalize(r.stderr.replace("psql: error: ", ""))


# Each case: (id, user, password, connection options, expected: True or a regex of the error)
CASES = [
    ("trust", "trustuser", None, {}, True),
    ("reject", "rejectuser", None, {},
     r'pg_hba.conf rejects connection for host "127.0.0.1", user "rejectuser", database "postgres", no encryption'),
    ("reject-by-database", "alice", "alice-pw", {"dbname": "secretdb"},
     r'pg_hba.conf rejects connection for host "127.0.0.1", user "alice", database "secretdb", no encryption'),
    ("hostssl-only-without-tls", "ssluser", None, {},
     r'no pg_hba.conf entry for host "127.0.0.1", user "ssluser", database "postgres", no encryption'),
    ("hostssl-only-with-tls", "ssluser", None, {"sslmode": "require"}, True),
    ("password", "pwuser", "pw-pw", {}, True),
    ("password-tls", "pwuser", "pw-pw", {"sslmode": "require"}, True),
    ("password-wrong", "pwuser", "nope", {}, r'password authentication failed for user "pwuser"'),
    ("password-unknown-user", "ghostpw", "nope", {}, r'password authentication failed for user "ghostpw"'),
    ("password-missing", "pwuser", None, {}, r"no password supplied"),
    ("md5", "md5user", "md5-pw", {}, True),
    ("md5-wrong", "md5user", "nope", {}, r'password authentication failed for user "md5user"'),
    ("md5-unknown-user", "ghostmd5", "nope", {}, r'password authentication failed for user "ghostmd5"'),
    ("md5-rule-scram-verifier", "md5scram", "ms-pw", {}, True),
    ("md5-rule-scram-verifier-wrong", "md5scram", "nope", {},
     r'password authentication failed for user "md5scram"'),
    ("scram", "alice", "alice-pw", {}, True),
    ("scram-wrong", "alice", "nope", {}, r'password authentication failed for user "alice"'),
    ("scram-unknown-user", "ghost", "alice-pw", {}, r'password authentication failed for user "ghost"'),
    ("scram-sslmode-allow", "alice", "alice-pw", {"sslmode": "allow"}, True),
    ("scram-sslmode-prefer", "alice", "alice-pw", {"sslmode": "prefer"}, True),
    ("scram-sslmode-require", "alice", "alice-pw", {"sslmode": "require"}, True),
    ("scram-verify-ca", "alice", "alice-pw", {"sslmode": "verify-ca", "rootca": True}, True),
    ("scram-verify-full", "alice", "alice-pw",
     {"sslmode": "verify-full", "rootca": True, "host": "localhost"}, True),
    ("scram-plus-channel-binding-required", "alice", "alice-pw",
     {"sslmode": "verify-full", "rootca": True, "host": "localhost", "channel_binding": "require"}, True),
    ("channel-binding-required-without-tls", "alice", "alice-pw",
     {"channel_binding": "require"}, r"channel binding required"),
    ("channel-binding-required-md5", "md5user", "md5-pw",
     {"sslmode": "require", "channel_binding": "require"}, r"channel binding required"),
    ("channel-binding-required-wrong-password", "alice", "nope",
     {"sslmode": "require", "channel_binding": "require"}, r'password authentication failed for user "alice"'),
    ("verify-full-wrong-host-name", "alice", "alice-pw",
     {"sslmode": "verify-full", "rootca": True, "host": "wrong.example", "hostaddr": "127.0.0.1"},
     r'server certificate for "localhost" .*does not match host name "wrong.example"'),
    ("cert", "certuser", None, {"sslmode": "require", "cert": "certuser"}, True),
    ("cert-verify-full", "certuser", None,
     {"sslmode": "verify-full", "rootca": True, "host": "localhost", "cert": "certuser"}, True),
    ("cert-name-mismatch", "certuser", None, {"sslmode": "require", "cert": "alice"},
     r'certificate authentication failed for user "certuser"'),
    ("cert-missing", "certuser", None, {"sslmode": "require"},
     r"connection requires a valid client certificate"),
    ("cert-foreign-ca", "certuser", None, {"sslmode": "require", "cert": "foreign"},
     r"(unknown ca|certificate verify failed)"),
    ("clientcert-verify-full", "vfuser", "vf-pw", {"sslmode": "require", "cert": "vfuser"}, True),
    ("clientcert-verify-full-name-mismatch", "vfuser", "vf-pw", {"sslmode": "require", "cert": "alice"},
     r'password authentication failed for user "vfuser"'),
    ("clientcert-verify-full-wrong-password", "vfuser", "nope", {"sslmode": "require", "cert": "vfuser"},
     r'password authentication failed for user "vfuser"'),
]


@pytest.mark.parametrize("client", ["psycopg", "psql"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_login_like_postgresql(servers_pair, pki, case, client):
    _, user, password, options, expected = case
    opts = dict(options)
    rootca = opts.pop("rootca", False)
    cert = opts.pop("cert", None)
    login = login_psycopg if client == "psycopg" else login_psql
    outcome = {}
    for name in ("oracle", "pgwire"):
        server = servers_pair[name]
        outcome[name] = login(server, _params(server, pki, user, rootca=rootca, cert=cert, **opts),
                              password)
    ok, message = outcome["pgwire"]
    if expected is True:
        assert ok, f"pgwire refused: {message}"
    else:
        assert not ok, "pgwire accepted a login that must fail"
        assert re.search(expected, message), message
    assert outcome["pgwire"] == outcome["oracle"], (
        f"PostgreSQL: {outcome['oracle']}\npgwire:     {outcome['pgwire']}")


# ---------------------------------------------------------------------------------------
# raw wire: what libpq does not show

def _startup(c, user, database="postgres"):
    c.send(wire.startup({"user": user, "database": database}))


def _sasl_first_round(server, user, ctx=None):
    """Start a SCRAM exchange; returns (connection, mechanisms, server-first text)."""
    if ctx:
        c = pki_tools.ssl_request_connection(server, ctx)
    else:
        c = wire.Connection.tcp(server.host, server.port)
    _startup(c, user)
    m = c.read_message(5)
    assert m.name == "AuthenticationSASL", m
    client = pki_tools.ScramClient("whatever")
    c.send(pki_tools.sasl_initial_response("SCRAM-SHA-256", client.client_first()))
    cont = c.read_message(5)
    assert cont.name == "AuthenticationSASLContinue", cont
    return c, m["mechanisms"], cont["data"].decode(), client


def test_sasl_mechanisms_offered_like_postgresql(servers_pair, pki):
    ctx = pki_tools.tls_client_context()
    for name in ("oracle", "pgwire"):
        server = servers_pair[name]
        c, plain, _, _ = _sasl_first_round(server, "alice")
        c.close()
        c, over_tls, _, _ = _sasl_first_round(server, "alice", ctx)
        c.close()
        assert plain == ["SCRAM-SHA-256"], (name, plain)
        assert over_tls == ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"], (name, over_tls)


def test_unknown_user_scram_looks_like_a_real_one(servers_pair):
    """Same iteration count, a salt of the same length that stays the same for a name, and
    the same FATAL 28P01 after the proof: nothing tells an unknown user from a wrong
    password."""
    server = servers_pair["pgwire"]
    seen = {}
    # ghostmd5 is unknown under an md5 rule: it gets SCRAM too (password_encryption's kind)
    for user in ("alice", "ghost", "ghost", "ghostmd5"):
        c, _, server_first, client = _sasl_first_round(server, user)
        attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
        seen.setdefault(user, []).append(attrs["s"])
        assert attrs["i"] == "4096"
        assert len(attrs["s"]) == len("c2FsdHNhbHRzYWx0c2FsdA==")   # 16 bytes, like alice's
        c.send(pki_tools.sasl_response(client.client_final(server_first.encode())))
        err = c.read_message(5)
        assert err.name == "ErrorResponse"
        assert (err["S"], err["C"], err["M"]) == (
            "FATAL", "28P01", f'password authentication failed for user "{user}"')
        assert "D" not in err.fields   # the reason stays in the server log
        c.close()
    assert seen["ghost"][0] == seen["ghost"][1], "the mock salt must not change between probes"
    assert seen["ghost"][0] != seen["ghostmd5"][0]
    alice_salt = servers_pair["verifiers"]["alice"].split("$")[1].split(":")[1]
    assert seen["alice"][0] == alice_salt


def test_scram_plus_exchange_on_the_wire(servers_pair, pki):
    """A SCRAM-SHA-256-PLUS exchange written from the RFCs: the server's signature checks
    out, and a binding for another certificate is refused as PostgreSQL refuses it."""
    server = servers_pair["pgwire"]
    binding = pki_tools.tls_server_end_point(pki["server"].cert)
    ctx = pki_tools.tls_client_context(ca=pki["ca"].cert)
    c = pki_tools.ssl_request_connection(server, ctx)
    _startup(c, "alice")
    assert c.read_message(5).name == "AuthenticationSASL"
    client = pki_tools.ScramClient("alice-pw", cbind=binding)
    c.send(pki_tools.sasl_initial_response("SCRAM-SHA-256-PLUS", client.client_first()))
    server_first = c.read_message(5)["data"]
    c.send(pki_tools.sasl_response(client.client_final(server_first)))
    final = c.read_message(5)
    assert final.name == "AuthenticationSASLFinal", final
    assert client.verify_server_final(final["data"])
    assert c.read_message(5).name == "AuthenticationOk"
    c.close()

    for name in ("oracle", "pgwire"):
        c = pki_tools.ssl_request_connection(servers_pair[name], ctx)
        _startup(c, "alice")
        c.read_message(5)
        client = pki_tools.ScramClient("alice-pw", cbind=b"\x00" * 32)
        c.send(pki_tools.sasl_initial_response("SCRAM-SHA-256-PLUS", client.client_first()))
        server_first = c.read_message(5)["data"]
        c.send(pki_tools.sasl_response(client.client_final(server_first)))
        err = c.read_message(5)
        assert (err.name, err["C"], err["M"]) == (
            "ErrorResponse", "28000", "SCRAM channel binding check failed"), (name, err)
        c.close()


def test_downgrade_to_no_binding_is_refused(servers_pair):
    """A client that says 'y' (it could bind, it thinks the server cannot) while -PLUS was
    offered: PostgreSQL's SCRAM channel binding negotiation error."""
    ctx = pki_tools.tls_client_context()
    for name in ("oracle", "pgwire"):
        c = pki_tools.ssl_request_connection(servers_pair[name], ctx)
        _startup(c, "alice")
        c.read_message(5)
        client = pki_tools.ScramClient("alice-pw", cbind="y")
        c.send(pki_tools.sasl_initial_response("SCRAM-SHA-256", client.client_first()))
        err = c.read_message(5)
        assert (err.name, err["C"], err["M"]) == (
            "ErrorResponse", "28000", "SCRAM channel binding negotiation error"), (name, err)
        c.close()


@pytest.mark.parametrize("user,kind", [("pwuser", "cleartext"), ("md5user", "md5"),
                                       ("ghostpw", "cleartext")])
def test_password_failures_on_the_wire(servers_pair, user, kind):
    """The request each server sends and the FATAL after a wrong password, SQLSTATE
    included (libpq does not show it for connection failures)."""
    got = {}
    for name in ("oracle", "pgwire"):
        c = wire.Connection.tcp(servers_pair[name].host, servers_pair[name].port)
        _startup(c, user)
        req = c.read_message(5)
        c.send(wire.password("wrong password"))
        err = c.read_message(5)
        got[name] = (req.name, err.name, err["S"], err["C"], err["M"], "D" in err.fields)
        c.close()
    expected_request = "AuthenticationCleartextPassword" if kind == "cleartext" else "AuthenticationMD5Password"
    assert got["pgwire"] == (expected_request, "ErrorResponse", "FATAL", "28P01",
                             f'password authentication failed for user "{user}"', False)
    assert got["pgwire"] == got["oracle"]


def test_unknown_user_under_md5_rule_gets_password_encryption_kind(servers_pair):
    """PostgreSQL's rule: an unknown user under `md5` is challenged as if it had a password
    of password_encryption's kind (SCRAM by default), so that it blends in."""
    for name in ("oracle", "pgwire"):
        c = wire.Connection.tcp(servers_pair[name].host, servers_pair[name].port)
        _startup(c, "ghostmd5")
        m = c.read_message(5)
        assert (m.name, m["mechanisms"]) == ("AuthenticationSASL", ["SCRAM-SHA-256"]), (name, m)
        c.close()


def test_protocol_violations_during_authentication(servers_pair):
    """A non-'p' message, an empty password, a bad SASL mechanism: PostgreSQL's FATALs."""
    scenarios = [
        ("pwuser", wire.query("select 1"), ("08P01", "expected password response, got message type 81")),
        ("alice", wire.query("select 1"), ("08P01", "expected SASL response, got message type 81")),
        ("pwuser", wire.password(""), ("28P01", "empty password returned by client")),
        ("pwuser", wire.typed("p", b"abc\0def\0"), ("08P01", "invalid password packet size")),
        ("alice", pki_tools.sasl_initial_response("SCRAM-SHA-1", b"n,,n=,r=abc"),
         ("08P01", "client selected an invalid SASL authentication mechanism")),
        ("alice", pki_tools.sasl_initial_response("SCRAM-SHA-256-PLUS", b"p=tls-server-end-point,,n=,r=abc"),
         ("08P01", "client selected an invalid SASL authentication mechanism")),
    ]
    for user, message, expected in scenarios:
        for name in ("oracle", "pgwire"):
            c = wire.Connection.tcp(servers_pair[name].host, servers_pair[name].port)
            _startup(c, user)
            c.read_message(5)
            c.send(message)
            err = c.read_message(5)
            assert (err.name, err["S"], err["C"], err["M"]) == ("ErrorResponse", "FATAL") + expected, (
                name, user, err)
            c.close()


def test_reject_by_client_address(servers_pair):
    """`host all all 127.0.0.2/32 reject`: a client whose address is 127.0.0.2 is refused
    with PostgreSQL's message; 127.0.0.1 gets in (same user, same database)."""
    for name in ("oracle", "pgwire"):
        server = servers_pair[name]
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        s.bind(("127.0.0.2", 0))
        s.connect((server.host, server.port))
        c = wire.Connection(s)
        _startup(c, "postgres")
        err = c.read_message(5)
        assert (err.name, err["S"], err["C"], err["M"]) == (
            "ErrorResponse", "FATAL", "28000",
            'pg_hba.conf rejects connection for host "127.0.0.2", user "postgres", '
            'database "postgres", no encryption'), (name, err)
        c.close()
        assert login_psycopg(server, {"user": "postgres", "sslmode": "disable"}) == (True, "")


def test_failure_reason_is_logged_not_sent(servers_pair):
    server = servers_pair["pgwire"]
    ok, _ = login_psycopg(server, {"user": "ghost", "sslmode": "disable",
                                   "passfile": "/nonexistent"}, "some password")
    assert not ok
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and 'Role "ghost" does not exist.' not in server.log():
        time.sleep(0.05)
    log = server.log()
    assert 'Role "ghost" does not exist.' in log
    assert 'Connection matched pg_hba.conf line 14: "host      all       ghost ' in log
    assert "some password" not in log
