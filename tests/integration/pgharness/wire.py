"""PostgreSQL v3 wire codec for tests: build frontend messages, read backend messages.

Job: turn bytes on a socket into `Message` objects (type name + named fields) and back,
with nothing but `socket` and `struct`, so that a wire script can talk to any server,
including one that gets the protocol wrong.

Invariants:
- Parsing is strict: a backend message whose payload is short, has bytes left over, or has
  a bad length is reported as `ProtocolError`, never silently accepted; the server under
  test is the thing being checked.
- Builders never validate: a test must be able to send anything, including nonsense.

Used by: pgharness.wirescript (the script runner) and any test that wants raw messages.
"""

import errno
import select
import socket
import struct
import time

SSL_REQUEST_CODE = 80877103        # 1234 << 16 | 5679
GSSENC_REQUEST_CODE = 80877104     # 1234 << 16 | 5680
CANCEL_REQUEST_CODE = 80877102     # 1234 << 16 | 5678
MAX_BACKEND_MESSAGE = 1 << 30      # a sanity bound for what the client accepts


class ProtocolError(Exception):
    """The server sent bytes that are not a valid backend message."""


class ConnectionClosed(Exception):
    """The server closed the connection (EOF or reset)."""

    def __init__(self, how, pending=b""):
        super().__init__(how)
        self.how = how
        self.pending = pending


class ReadTimeout(Exception):
    """Nothing (or not a whole message) arrived in time."""

    def __init__(self, pending=b""):
        super().__init__("timed out")
        self.pending = pending


# ---------------------------------------------------------------------------------------
# Frontend messages

def int16(v):
    return struct.pack("!h", v)


def int32(v):
    return struct.pack("!i", v)


def cstr(s):
    if isinstance(s, str):
        s = s.encode()
    return s + b"\0"


def typed(kind, payload=b""):
    """A regular message: type byte, int32 length (self-inclusive), payload."""
    if isinstance(kind, str):
        kind = kind.encode()
    return kind + int32(len(payload) + 4) + payload


def untyped(payload):
    """A startup-phase packet: int32 length (self-inclusive), payload."""
    return int32(len(payload) + 4) + payload


def protocol_code(version):
    """'3.0' -> 196608; an int passes through."""
    if isinstance(version, int):
        return version
    major, _, minor = str(version).partition(".")
    return (int(major) << 16) | int(minor or 0)


def startup(params, version="3.0"):
    body = int32(protocol_code(version))
    for k, v in params.items():
        body += cstr(k) + cstr(v)
    return untyped(body + b"\0")


def ssl_request():
    return untyped(int32(SSL_REQUEST_CODE))


def gssenc_request():
    return untyped(int32(GSSENC_REQUEST_CODE))


def cancel_request(pid, key):
    return untyped(int32(CANCEL_REQUEST_CODE) + int32(pid) + int32(key))


def query(sql):
    return typed("Q", cstr(sql))


def parse(name, sql, types=()):
    body = cstr(name) + cstr(sql) + int16(len(types))
    for oid in types:
        body += struct.pack("!I", oid)
    return typed("P", body)


def _param_bytes(v):
    if v is None:
        return int32(-1)
    if isinstance(v, str):
        v = v.encode()
    elif isinstance(v, int):
        v = str(v).encode()
    return int32(len(v)) + v


def bind(portal="", statement="", params=(), formats=(), results=()):
    body = cstr(portal) + cstr(statement)
    body += int16(len(formats)) + b"".join(int16(f) for f in formats)
    body += int16(len(params)) + b"".join(_param_bytes(p) for p in params)
    body += int16(len(results)) + b"".join(int16(f) for f in results)
    return typed("B", body)


def describe(kind, name=""):
    return typed("D", kind.encode() + cstr(name))


def execute(portal="", rows=0):
    return typed("E", cstr(portal) + int32(rows))


def close(kind, name=""):
    return typed("C", kind.encode() + cstr(name))


def sync():
    return typed("S")


def flush():
    return typed("H")


def terminate():
    return typed("X")


def copy_data(data):
    if isinstance(data, str):
        data = data.encode()
    return typed("d", data)


def copy_done():
    return typed("c")


def copy_fail(message):
    return typed("f", cstr(message))


def password(secret):
    return typed("p", cstr(secret))


# ---------------------------------------------------------------------------------------
# Backend messages

AUTH_NAMES = {
    0: "AuthenticationOk", 2: "AuthenticationKerberosV5", 3: "AuthenticationCleartextPassword",
    5: "AuthenticationMD5Password", 7: "AuthenticationGSS", 8: "AuthenticationGSSContinue",
    9: "AuthenticationSSPI", 10: "AuthenticationSASL", 11: "AuthenticationSASLContinue",
    12: "AuthenticationSASLFinal",
}

MESSAGE_NAMES = {
    "R": "Authentication", "S": "ParameterStatus", "K": "BackendKeyData", "Z": "ReadyForQuery",
    "T": "RowDescription", "D": "DataRow", "C": "CommandComplete", "I": "EmptyQueryResponse",
    "E": "ErrorResponse", "N": "NoticeResponse", "1": "ParseComplete", "2": "BindComplete",
    "3": "CloseComplete", "n": "NoData", "s": "PortalSuspended", "t": "ParameterDescription",
    "G": "CopyInResponse", "H": "CopyOutResponse", "W": "CopyBothResponse", "d": "CopyData",
    "c": "CopyDone", "A": "NotificationResponse", "v": "NegotiateProtocolVersion",
    "V": "FunctionCallResponse",
}
BACKEND_NAMES = set(MESSAGE_NAMES.values()) | set(AUTH_NAMES.values())


class Message:
    """One backend message: `name`, `kind` (type byte as str), `fields` dict, `raw` bytes."""

    def __init__(self, kind, name, fields, raw):
        self.kind = kind
        self.name = name
        self.fields = fields
        self.raw = raw

    def __getitem__(self, key):
        return self.fields[key]

    def __repr__(self):
        return f"{self.name} {format_fields(self.fields)}".rstrip()


def _show(v):
    if isinstance(v, bytes):
        try:
            return '"' + v.decode().replace("\\", "\\\\").replace('"', '\\"').replace(
                "\n", "\\n").replace("\t", "\\t") + '"'
        except UnicodeDecodeError:
            return 'x"' + v.hex() + '"'
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace(
            "\n", "\\n").replace("\t", "\\t") + '"'
    if v is None:
        return "null"
    if isinstance(v, list):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}={_show(x)}" for k, x in v.items()) + "}"
    return str(v)


def format_fields(fields):
    return " ".join(f"{k}={_show(v)}" for k, v in fields.items())


class _Cursor:
    """Bounds-checked reader over one message payload; every failure is a ProtocolError."""

    def __init__(self, name, data):
        self.name, self.data, self.pos = name, data, 0

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise ProtocolError(f"{self.name}: payload too short "
                                f"(need {n} bytes at offset {self.pos} of {len(self.data)})")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def int8(self):
        return struct.unpack("!b", self.take(1))[0]

    def int16(self):
        return struct.unpack("!h", self.take(2))[0]

    def int32(self):
        return struct.unpack("!i", self.take(4))[0]

    def uint32(self):
        return struct.unpack("!I", self.take(4))[0]

    def cstring(self):
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            raise ProtocolError(f"{self.name}: unterminated string at offset {self.pos}")
        s = self.data[self.pos:end]
        self.pos = end + 1
        try:
            return s.decode()
        except UnicodeDecodeError:
            raise ProtocolError(f"{self.name}: string is not UTF-8: {s!r}")

    def rest(self):
        return self.take(len(self.data) - self.pos)

    def end(self):
        if self.pos != len(self.data):
            raise ProtocolError(f"{self.name}: {len(self.data) - self.pos} bytes left over: "
                                f"{self.data[self.pos:]!r}")


def decode(kind, payload):
    """Decode one backend message (type byte as str, payload without type and length)."""
    name = MESSAGE_NAMES.get(kind)
    if name is None:
        raise ProtocolError(f"unknown backend message type {kind!r} "
                            f"(payload {payload[:64]!r})")
    c = _Cursor(name, payload)
    f = {}
    if kind == "R":
        code = c.int32()
        name = AUTH_NAMES.get(code, f"Authentication{code}")
        f["code"] = code
        if code == 5:
            f["salt"] = c.take(4)
        elif code == 10:
            mechs = []
            while True:
                m = c.cstring()
                if not m:
                    break
                mechs.append(m)
            f["mechanisms"] = mechs
        elif code in (8, 11, 12):
            f["data"] = c.rest()
    elif kind == "S":
        f["name"] = c.cstring()
        f["value"] = c.cstring()
    elif kind == "K":
        f["pid"] = c.int32()
        f["key"] = c.int32()
    elif kind == "Z":
        f["status"] = c.take(1).decode("latin-1")
    elif kind == "T":
        n = c.int16()
        cols = []
        for _ in range(n):
            cols.append({"name": c.cstring(), "table": c.uint32(), "column": c.int16(),
                         "type": c.uint32(), "size": c.int16(), "typmod": c.int32(),
                         "format": c.int16()})
        f["names"] = [x["name"] for x in cols]
        f["types"] = [x["type"] for x in cols]
        for key in ("table", "column", "size", "typmod", "format"):
            f[key + "s"] = [x[key] for x in cols]
    elif kind == "D":
        n = c.int16()
        vals = []
        for _ in range(n):
            ln = c.int32()
            if ln == -1:
                vals.append(None)
            elif ln < -1:
                raise ProtocolError(f"DataRow: negative column length {ln}")
            else:
                vals.append(c.take(ln))
        f["values"] = vals
    elif kind == "C":
        f["tag"] = c.cstring()
    elif kind in ("E", "N"):
        while True:
            code = c.take(1)
            if code == b"\0":
                break
            f[code.decode("latin-1")] = c.cstring()
    elif kind == "t":
        n = c.int16()
        f["types"] = [c.uint32() for _ in range(n)]
    elif kind in ("G", "H", "W"):
        f["format"] = c.int8()
        n = c.int16()
        f["columns"] = [c.int16() for _ in range(n)]
    elif kind == "d":
        f["data"] = c.rest()
    elif kind == "A":
        f["pid"] = c.int32()
        f["channel"] = c.cstring()
        f["payload"] = c.cstring()
    elif kind == "v":
        f["version"] = c.int32()   # PostgreSQL sends a whole protocol code here
        n = c.int32()
        f["options"] = [c.cstring() for _ in range(n)]
    elif kind == "V":
        ln = c.int32()
        f["value"] = None if ln == -1 else c.take(ln)
    c.end()
    return Message(kind, name, f, kind.encode() + struct.pack("!i", len(payload) + 4) + payload)


class Connection:
    """A raw socket to a server with a receive buffer; reads whole messages or bytes."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = None          # None, or how the peer closed ("EOF" / "reset")

    @classmethod
    def tcp(cls, host, port, timeout=5.0):
        s = socket.create_connection((host, port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(s)

    @classmethod
    def unix(cls, path, timeout=5.0):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(path)
        return cls(s)

    def send(self, data):
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError) as e:
            # The server may legitimately have closed already; the next expect tells.
            self.eof = self.eof or f"send failed: {e.__class__.__name__}"

    def _fill(self, deadline):
        """Read more bytes into the buffer; False on timeout; sets self.eof on close."""
        if self.eof:
            return False
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        r, _, _ = select.select([self.sock], [], [], remaining)
        if not r:
            return False
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            self.eof = "reset"
            return False
        except OSError as e:
            if e.errno in (errno.ECONNRESET, errno.EPIPE):
                self.eof = "reset"
                return False
            raise
        if not chunk:
            self.eof = "EOF"
            return False
        self.buf += chunk
        return True

    def read_bytes(self, n, timeout):
        deadline = time.monotonic() + timeout
        while len(self.buf) < n:
            if not self._fill(deadline):
                if self.eof:
                    raise ConnectionClosed(self.eof, self.buf)
                raise ReadTimeout(self.buf)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_message(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 5:
                kind = chr(self.buf[0])
                length = struct.unpack("!i", self.buf[1:5])[0]
                if length < 4 or length > MAX_BACKEND_MESSAGE:
                    raise ProtocolError(f"message type {kind!r} has invalid length {length} "
                                        f"(bytes: {self.buf[:32].hex()})")
                if len(self.buf) >= 1 + length:
                    payload = self.buf[5:1 + length]
                    self.buf = self.buf[1 + length:]
                    return decode(kind, payload)
            if not self._fill(deadline):
                if self.eof:
                    raise ConnectionClosed(self.eof, self.buf)
                raise ReadTimeout(self.buf)

    def quiet(self, timeout):
        """Wait `timeout` seconds; return any bytes that arrived (b'' if none)."""
        deadline = time.monotonic() + timeout
        while self._fill(deadline):
            pass
        return self.buf

    def shutdown_write(self):
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
