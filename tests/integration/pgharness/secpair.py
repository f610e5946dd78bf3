"""An iris-pgwire and a PostgreSQL 15 configured alike for the security tests.

Job: one pg_hba.conf (HBA), one CA with server and client certificates made at test time, and
the same roles on both servers: created in PostgreSQL, their pg_authid.rolpassword verifiers
copied into iris-pgwire's users file.  Module-scoped fixtures `pki` and `servers_pair`
(import them into a test module to use them).

Invariants: the oracle runs as the `postgres` system user when the tests run as root, so its
copies of the key and hba files belong to that user; every key file has mode 0600.
"""

import os
import pwd

import psycopg
import pytest

from . import servers
from . import tls as pki_tools

HBA = """\
# TYPE    DATABASE  USER        ADDRESS        METHOD
local     all       all                        trust
host      all       all         127.0.0.2/32   reject
host      secretdb  all         127.0.0.1/32   reject
hostssl   all       ssluser     127.0.0.1/32   trust
hostssl   all       certuser    127.0.0.1/32   cert
hostssl   all       vfuser      127.0.0.1/32   scram-sha-256 clientcert=verify-full
host      all       trustuser   127.0.0.1/32   trust
host      all       rejectuser  127.0.0.1/32   reject
host      all       pwuser      127.0.0.1/32   password
host      all       md5user     127.0.0.1/32   md5
host      all       md5scram    127.0.0.1/32   md5
host      all       alice       127.0.0.1/32   scram-sha-256
host      all       ghost       127.0.0.1/32   scram-sha-256
host      all       ghostmd5    127.0.0.1/32   md5
host      all       ghostpw     127.0.0.1/32   password
host      all       postgres    127.0.0.1/32   trust
"""

PASSWORDS = {"alice": "alice-pw", "pwuser": "pw-pw", "md5user": "md5-pw",
             "md5scram": "ms-pw", "vfuser": "vf-pw"}
MD5_USERS = {"md5user"}
PLAIN_ROLES = ("trustuser", "rejectuser", "ssluser", "certuser")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("pki"))
    ca = pki_tools.make_ca(d)
    foreign = pki_tools.make_ca(d, name="foreign-ca")
    return {
        "dir": d,
        "ca": ca,
        "server": pki_tools.make_cert(d, ca, "localhost", name="server",
                                      san="DNS:localhost,IP:127.0.0.1"),
        "certuser": pki_tools.make_cert(d, ca, "certuser", client=True),
        "vfuser": pki_tools.make_cert(d, ca, "vfuser", client=True),
        "alice": pki_tools.make_cert(d, ca, "alice", client=True),
        "foreign": pki_tools.make_cert(d, foreign, "certuser", name="foreign-certuser",
                                       client=True),
    }


def _ssl_settings(base, pki, owner=None):
    """Copy the server's certificate files into `base` (owned by the server's user)."""
    uid = gid = None
    if owner:
        pw = pwd.getpwnam(owner)
        uid, gid = pw.pw_uid, pw.pw_gid
    files = {}
    for name, src in (("server.crt", pki["server"].cert), ("server.key", pki["server"].key),
                      ("ca.crt", pki["ca"].cert), ("pg_hba.conf", None)):
        dst = os.path.join(base, name)
        if src:
            pki_tools.copy_private(src, dst, uid, gid)
        else:
            with open(dst, "w") as f:
                f.write(HBA)
            os.chmod(dst, 0o600)
            if uid is not None:
                os.chown(dst, uid, gid)
        files[name] = dst
    return {"ssl": "on", "ssl_cert_file": files["server.crt"], "ssl_key_file": files["server.key"],
            "ssl_ca_file": files["ca.crt"], "hba_file": files["pg_hba.conf"]}


@pytest.fixture(scope="module")
def servers_pair(pki, pgwire_bin, tmp_path_factory):
    postgres = os.path.join(servers.PG_BINDIR, "postgres")
    if not os.access(postgres, os.X_OK):
        pytest.skip("no PostgreSQL 15 to compare with")
    oracle = servers.PgOracle()
    owner = "postgres" if os.geteuid() == 0 else None
    oracle.extra_settings.update(_ssl_settings(oracle.base_dir, pki, owner))
    oracle.start()
    try:
        with psycopg.connect(oracle.unix_dsn(), autocommit=True) as c:
            for role in PLAIN_ROLES:
                c.execute(f"create role {role} login")
            for role, pw in PASSWORDS.items():
                kind = "md5" if role in MD5_USERS else "scram-sha-256"
                c.execute(f"set password_encryption = '{kind}'")
                c.execute(f"create role {role} login password '{pw}'")
            verifiers = c.execute("select rolname, rolpassword from pg_authid "
                                  "where rolpassword is not null order by 1").fetchall()
    except Exception:
        oracle.cleanup()
        raise
    pg = servers.PgwireServer(pgwire_bin)
    settings = _ssl_settings(pg.base_dir, pki)
    users = os.path.join(pg.base_dir, "users")
    with open(users, "w") as f:
        f.write("# copied from PostgreSQL's pg_authid\n")
        for name, verifier in verifiers:
            f.write(f"{name}:{verifier}\n")
    os.chmod(users, 0o600)
    settings["users_file"] = users
    pg.extra_settings.update(settings)
    try:
        pg.start()
    except Exception:
        oracle.cleanup()
        pg.cleanup()
        raise
    yield {"oracle": oracle, "pgwire": pg, "verifiers": dict(verifiers)}
    pg.cleanup()
    oracle.cleanup()
