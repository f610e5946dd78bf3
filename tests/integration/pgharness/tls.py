"""Certificates and a minimal SCRAM client for the security tests.

Job: make a private CA and server/client certificates with the `openssl` command at test time
(nothing is checked in), and speak SCRAM-SHA-256 (RFC 5802/7677) over a raw wire connection
so that tests can look at every message of an exchange, including failures libpq hides.

Invariants:
- Every file is created inside the directory the caller gives (a pytest tmp_path), private
  keys with mode 0600, so libpq and the servers accept them.
- The SCRAM client is written from the RFCs; it shares no code with the server under test.

Used by: tests/integration/test_security_*.py.
"""

import base64
import hashlib
import hmac
import os
import secrets
import shutil
import ssl
import subprocess
from dataclasses import dataclass

from . import wire


def _openssl(*args, cwd):
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {r.stderr}")


@dataclass
class Cert:
    cert: str     # PEM path
    key: str      # PEM path, mode 0600


def _key_args(kind):
    if kind == "rsa":
        return ["-newkey", "rsa:2048"]
    if kind == "ec":
        return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]
    if kind == "ed25519":
        return ["-newkey", "ed25519"]
    raise ValueError(kind)


def make_ca(directory, name="pgwire-test-ca", kind="rsa"):
    """A self-signed CA: Cert(cert=ca.crt, key=ca.key) under `directory`."""
    os.makedirs(directory, exist_ok=True)
    crt, key = f"{name}.crt", f"{name}.key"
    _openssl("req", "-x509", *_key_args(kind), "-nodes", "-days", "30", "-subj", f"/CN={name}",
             "-keyout", key, "-out", crt, cwd=directory)
    os.chmod(os.path.join(directory, key), 0o600)
    return Cert(os.path.join(directory, crt), os.path.join(directory, key))


def make_cert(directory, ca, cn, name=None, san=None, client=False, kind="rsa", digest="sha256"):
    """A certificate for `cn` signed by `ca`; `san` like 'DNS:localhost,IP:127.0.0.1'."""
    name = name or cn
    crt, key, csr, ext = f"{name}.crt", f"{name}.key", f"{name}.csr", f"{name}.ext"
    _openssl("req", "-new", *_key_args(kind), "-nodes", "-subj", f"/CN={cn}", "-keyout", key,
             "-out", csr, cwd=directory)
    lines = ["basicConstraints=CA:FALSE"]
    if san:
        lines.append(f"subjectAltName={san}")
    lines.append("extendedKeyUsage=" + ("clientAuth" if client else "serverAuth"))
    with open(os.path.join(directory, ext), "w") as f:
        f.write("\n".join(lines) + "\n")
    args = ["x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial",
            "-days", "30", "-extfile", ext, "-out", crt]
    if kind != "ed25519":
        args.insert(-2, f"-{digest}")
    _openssl(*args, cwd=directory)
    os.chmod(os.path.join(directory, key), 0o600)
    return Cert(os.path.join(directory, crt), os.path.join(directory, key))


def copy_private(src, dst, uid=None, gid=None):
    """Copy a file keeping it private (0600), optionally giving it to another user."""
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)
    if uid is not None:
        os.chown(dst, uid, gid)
    return dst


# ---------------------------------------------------------------------------------------
# Raw connections with TLS

def tls_client_context(ca=None, alpn=None, client_cert=None, min_version=None, max_version=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca:
        ctx.load_verify_locations(ca)
        ctx.check_hostname = False
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if alpn:
        ctx.set_alpn_protocols(alpn)
    if client_cert:
        ctx.load_cert_chain(client_cert.cert, client_cert.key)
    if min_version:
        ctx.minimum_version = min_version
    if max_version:
        ctx.maximum_version = max_version
    return ctx


def ssl_request_connection(server, ctx, timeout=5.0):
    """TCP, SSLRequest, expect 'S', handshake: a wire.Connection over TLS."""
    c = wire.Connection.tcp(server.host, server.port, timeout=timeout)
    c.send(wire.ssl_request())
    answer = c.read_bytes(1, timeout)
    if answer != b"S":
        raise AssertionError(f"SSLRequest answered {answer!r}")
    c.sock = ctx.wrap_socket(c.sock, server_hostname="localhost")
    return c


def direct_tls_connection(server, ctx, timeout=5.0):
    """PostgreSQL 17's sslnegotiation=direct: the ClientHello is the first thing sent."""
    import socket
    s = socket.create_connection((server.host, server.port), timeout=timeout)
    return wire.Connection(ctx.wrap_socket(s, server_hostname="localhost"))


# ---------------------------------------------------------------------------------------
# SCRAM-SHA-256 client (RFC 5802, RFC 7677)

def _hmac(key, msg):
    return hmac.new(key, msg, hashlib.sha256).digest()


def _b64(b):
    return base64.b64encode(b).decode()


class ScramClient:
    """Client side of one exchange.  `cbind`: None (n,,), 'y' (y,,) or (mechanism-PLUS,
    binding bytes) for p=tls-server-end-point."""

    def __init__(self, password, cbind=None, nonce=None):
        self.password = password.encode()
        self.cbind = cbind
        self.nonce = nonce or _b64(secrets.token_bytes(18))
        if cbind is None:
            self.gs2 = "n,,"
        elif cbind == "y":
            self.gs2 = "y,,"
        else:
            self.gs2 = "p=tls-server-end-point,,"
        self.first_bare = f"n=,r={self.nonce}"

    def client_first(self):
        return (self.gs2 + self.first_bare).encode()

    def client_final(self, server_first, proof_override=None):
        self.server_first = server_first.decode()
        attrs = dict(kv.split("=", 1) for kv in self.server_first.split(","))
        self.salt = base64.b64decode(attrs["s"])
        self.iterations = int(attrs["i"])
        self.server_nonce = attrs["r"]
        cbind_input = self.gs2.encode()
        if isinstance(self.cbind, bytes):
            cbind_input += self.cbind
        without_proof = f"c={_b64(cbind_input)},r={self.server_nonce}"
        auth_message = f"{self.first_bare},{self.server_first},{without_proof}".encode()
        salted = hashlib.pbkdf2_hmac("sha256", self.password, self.salt, self.iterations)
        client_key = _hmac(salted, b"Client Key")
        stored_key = hashlib.sha256(client_key).digest()
        signature = _hmac(stored_key, auth_message)
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_key = _hmac(salted, b"Server Key")
        self.expected_server_signature = _hmac(server_key, auth_message)
        proof_text = proof_override or _b64(proof)
        return f"{without_proof},p={proof_text}".encode()

    def verify_server_final(self, server_final):
        attrs = dict(kv.split("=", 1) for kv in server_final.decode().split(","))
        return base64.b64decode(attrs["v"]) == self.expected_server_signature


def sasl_initial_response(mechanism, data):
    return wire.typed("p", wire.cstr(mechanism) + wire.int32(len(data)) + data)


def sasl_response(data):
    return wire.typed("p", data)


def tls_server_end_point(cert_path):
    """RFC 5929 tls-server-end-point for an RSA/ECDSA certificate signed with SHA-256/384."""
    pem = open(cert_path).read()
    der = ssl.PEM_cert_to_DER_cert(pem)
    out = subprocess.run(["openssl", "x509", "-noout", "-text", "-in", cert_path],
                         capture_output=True, text=True, check=True).stdout
    algo = "sha256"
    for line in out.splitlines():
        if "Signature Algorithm" in line:
            name = line.split(":", 1)[1].strip().lower()
            if "sha384" in name:
                algo = "sha384"
            elif "sha512" in name:
                algo = "sha512"
            break
    return hashlib.new(algo, der).digest()
