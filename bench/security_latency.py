#!/usr/bin/python3
"""Cancel latency and connection cost with TLS and SCRAM: iris-pgwire beside PostgreSQL 15.

    bench/security_latency.py [--bin build/iris-pgwire] [--rounds 50] [--logins 200]

Starts a PostgreSQL 15 (initdb, as the tests do) and an iris-pgwire with the same
certificate (a CA made on the spot), the same pg_hba.conf and the same SCRAM verifier, then
measures on each:

- cancel: a running `select pg_sleep(30)`; time from the CancelRequest leaving the client
  (after its TCP connect) to the ErrorResponse 57014 arriving on the session, and the same
  through libpq's PQcancel (psycopg's cancel()), from the call to the exception;
- logins per second and mean time of one login, sequential, psycopg (libpq): trust without
  TLS, trust with TLS (sslmode=require: TCP + SSLRequest + TLS 1.3 handshake), SCRAM-SHA-256
  without TLS, and SCRAM-SHA-256-PLUS over TLS (channel_binding=require); each login runs
  `select 1` and disconnects.

It prints one table, each figure beside PostgreSQL's and the ratio (pgwire / PostgreSQL).
"""

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

import psycopg  # noqa: E402

from pgharness import servers, wire  # noqa: E402
from pgharness import tls as pki_tools  # noqa: E402

HBA = """local all all trust
host all trustuser 127.0.0.1/32 trust
hostssl all scramuser 127.0.0.1/32 scram-sha-256
host all scramuser 127.0.0.1/32 scram-sha-256
host all postgres 127.0.0.1/32 trust
"""


def raw_cancel(server, rounds):
    c = wire.Connection.tcp(server.host, server.port)
    c.send(wire.startup({"user": "trustuser", "database": "postgres"}))
    pid = key = None
    while True:
        m = c.read_message(10)
        if m.name == "BackendKeyData":
            pid, key = m["pid"], m["key"]
        if m.name == "ReadyForQuery":
            break
    out = []
    for _ in range(rounds):
        c.send(wire.query("select pg_sleep(30)"))
        time.sleep(0.1)
        s = socket.create_connection((server.host, server.port))
        s.sendall(wire.cancel_request(pid, key))
        sent = time.perf_counter()
        while True:
            m = c.read_message(10)
            if m.name == "ErrorResponse":
                out.append(time.perf_counter() - sent)
                assert m["C"] == "57014", m
            if m.name == "ReadyForQuery":
                break
        s.close()
    c.close()
    return out


def pq_cancel(server, rounds):
    out = []
    with psycopg.connect(server.dsn(user="trustuser", sslmode="disable"), autocommit=True) as conn:
        for _ in range(rounds):
            t = {}

            def later():
                time.sleep(0.1)
                t["t0"] = time.perf_counter()
                conn.cancel()

            th = threading.Thread(target=later)
            th.start()
            try:
                conn.execute("select pg_sleep(30)")
            except psycopg.errors.QueryCanceled:
                out.append(time.perf_counter() - t["t0"])
            th.join()
    return out


def logins(server, n, **params):
    times = []
    dsn = server.dsn(passfile="/nonexistent", **params)
    for _ in range(n):
        t0 = time.perf_counter()
        with psycopg.connect(dsn, password="scram-pw", autocommit=True) as c:
            c.execute("select 1").fetchone()
        times.append(time.perf_counter() - t0)
    return times


def setup(pgwire_bin, d):
    ca = pki_tools.make_ca(d)
    cert = pki_tools.make_cert(d, ca, "localhost", name="server", san="DNS:localhost,IP:127.0.0.1")
    oracle = servers.PgOracle()
    owner = None
    if os.geteuid() == 0:
        import pwd
        pw = pwd.getpwnam("postgres")
        owner = (pw.pw_uid, pw.pw_gid)
    oc = pki_tools.copy_private(cert.cert, os.path.join(oracle.base_dir, "server.crt"), *(owner or (None, None)))
    ok = pki_tools.copy_private(cert.key, os.path.join(oracle.base_dir, "server.key"), *(owner or (None, None)))
    ohba = os.path.join(oracle.base_dir, "hba.conf")
    with open(ohba, "w") as f:
        f.write(HBA)
    if owner:
        os.chown(ohba, *owner)
    oracle.extra_settings.update(ssl="on", ssl_cert_file=oc, ssl_key_file=ok, hba_file=ohba)
    oracle.start()
    with psycopg.connect(oracle.unix_dsn(), autocommit=True) as c:
        c.execute("create role trustuser login")
        c.execute("create role scramuser login password 'scram-pw'")
        verifier = c.execute("select rolpassword from pg_authid where rolname = 'scramuser'").fetchone()[0]
    pg = servers.PgwireServer(pgwire_bin)
    users = os.path.join(pg.base_dir, "users")
    with open(users, "w") as f:
        f.write(f"scramuser:{verifier}\n")
    os.chmod(users, 0o600)
    phba = os.path.join(pg.base_dir, "hba.conf")
    with open(phba, "w") as f:
        f.write(HBA)
    pg.extra_settings.update(ssl="on", ssl_cert_file=cert.cert, ssl_key_file=cert.key,
                             hba_file=phba, users_file=users)
    pg.start()
    return oracle, pg, ca


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("PGWIRE_BIN", os.path.join(HERE, "..", "build", "iris-pgwire")))
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--logins", type=int, default=200)
    args = ap.parse_args()
    d = tempfile.mkdtemp(prefix="pgw-bench-sec-")
    oracle, pg, ca = setup(os.path.abspath(args.bin), d)
    try:
        rows = []

        def row(name, fn, unit="ms"):
            figures = {s.name: fn(s) for s in (pg, oracle)}
            a, b = statistics.median(figures["pgwire"]), statistics.median(figures["oracle"])
            worst = max(figures["pgwire"])
            rows.append((name, a * 1000, worst * 1000, b * 1000, max(figures["oracle"]) * 1000, a / b))

        row("cancel: CancelRequest sent -> ErrorResponse", lambda s: raw_cancel(s, args.rounds))
        row("cancel: PQcancel() -> QueryCanceled", lambda s: pq_cancel(s, args.rounds))
        base = dict(host="localhost", dbname="postgres")
        row("login trust, no TLS", lambda s: logins(s, args.logins, user="trustuser", sslmode="disable", **base))
        row("login trust, TLS (sslmode=require)",
            lambda s: logins(s, args.logins, user="trustuser", sslmode="require", **base))
        row("login SCRAM-SHA-256, no TLS",
            lambda s: logins(s, args.logins, user="scramuser", sslmode="disable", **base))
        row("login SCRAM-SHA-256-PLUS, verify-full",
            lambda s: logins(s, args.logins, user="scramuser", sslmode="verify-full",
                             sslrootcert=ca.cert, channel_binding="require", **base))
        print(f"{'measure (median / max, ms)':46} {'iris-pgwire':>19} {'PostgreSQL 15':>19} {'ratio':>6}")
        for name, a, aw, b, bw, ratio in rows:
            print(f"{name:46} {a:8.2f} / {aw:8.2f} {b:8.2f} / {bw:8.2f} {ratio:6.2f}")
        print(f"({args.rounds} cancels, {args.logins} sequential logins each; "
              f"psycopg {psycopg.__version__}, libpq {psycopg.pq.version()})")
    finally:
        pg.cleanup()
        oracle.cleanup()


if __name__ == "__main__":
    main()
