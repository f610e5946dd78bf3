"""Wire scripts: a small language for protocol scenarios, and its runner.

Job: read a `.wire` file (tests/wire/*.wire), send the messages it names over a raw socket,
and check every reply against its expectations, so that the same file can be replayed
against real PostgreSQL (the oracle) and against iris-pgwire.  The language is described
in docs/testing.md; `python3 tests/wire/run.py --help` runs scripts from the command line.

Invariants:
- Scripts are parsed completely before anything is sent: a syntax error never depends on
  what the server answers.
- Expectations are strict about order and message types (apart from `unordered` blocks,
  `Type*`/`Type+` repetitions and `ignore` directives) and lenient only where a field is
  not mentioned: an unmentioned field is not checked.
- Every failure names the script line, what was expected, what arrived, and the recent
  transcript of the connection.

Used by: tests/integration/test_wire_scripts.py and tests/wire/run.py.
"""

import os
import re
import time

from . import wire

DEFAULT_TIMEOUT = 5.0
QUIET_TIMEOUT = 0.3
TIMEOUT_SCALE = float(os.environ.get("PGHARNESS_TIMEOUT_SCALE", "1"))

# A few type names, so that scripts may write types=[int4, text] instead of OIDs.
TYPE_OIDS = {
    "bool": 16, "bytea": 17, "char": 18, "name": 19, "int8": 20, "int2": 21, "int4": 23,
    "regproc": 24, "text": 25, "oid": 26, "json": 114, "xml": 142, "float4": 700,
    "float8": 701, "unknown": 705, "money": 790, "bpchar": 1042, "varchar": 1043,
    "date": 1082, "time": 1083, "timestamp": 1114, "timestamptz": 1184, "interval": 1186,
    "timetz": 1266, "bit": 1560, "varbit": 1562, "numeric": 1700, "refcursor": 1790,
    "regclass": 2205, "record": 2249, "void": 2278, "uuid": 2950, "jsonb": 3802,
    "int2[]": 1005, "int4[]": 1007, "text[]": 1009, "int8[]": 1016, "float8[]": 1022,
    "varchar[]": 1015, "bool[]": 1000,
}

# Positional arguments of `expect`, per message: which field each one fills.
POSITIONAL = {
    "ParameterStatus": ["name", "value"], "ReadyForQuery": ["status"],
    "RowDescription": ["names"], "DataRow": ["values"], "CommandComplete": ["tag"],
    "ParameterDescription": ["types"], "CopyData": ["data"],
    "NegotiateProtocolVersion": ["version", "options"], "NotificationResponse": ["channel", "payload"],
    "CopyInResponse": ["format", "columns"], "CopyOutResponse": ["format", "columns"],
}
TYPE_LIST_FIELDS = {"types"}


class ScriptError(Exception):
    """The script itself is wrong (syntax, unknown message, bad argument)."""


class WireScriptFailure(AssertionError):
    """The server's replies did not match the script."""


# ---------------------------------------------------------------------------------------
# Values that appear in scripts

class Word(str):
    """A bare word: a string in most places, a type name in type lists, hex in payloads."""


class Regex:
    def __init__(self, pattern):
        self.pattern = pattern
        self.rx = re.compile(pattern, re.S)

    def __repr__(self):
        return f"/{self.pattern}/"


class Var:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"${self.name}"


class _Any:
    def __repr__(self):
        return "*"


class _Rest:
    def __repr__(self):
        return "..."


ANY = _Any()
REST = _Rest()


# ---------------------------------------------------------------------------------------
# Lexer

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"'}
_SPECIAL = set('[],={}"')


def _lex(line, lineno):
    toks, i, n = [], 0, len(line)

    def err(msg):
        raise ScriptError(f"line {lineno}: {msg}: {line.strip()}")

    while i < n:
        ch = line[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            break
        elif ch in "[],=":
            toks.append((ch, ch))
            i += 1
        elif ch == '"' or (ch == "x" and line[i + 1:i + 2] == '"'):
            is_bytes = ch == "x"
            i += 2 if is_bytes else 1
            out = []
            while True:
                if i >= n:
                    err("unterminated string")
                c = line[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\":
                    e = line[i + 1:i + 2]
                    if e == "x":
                        out.append(chr(int(line[i + 2:i + 4], 16)))
                        i += 4
                        continue
                    if e not in _ESCAPES:
                        err(f"unknown escape \\{e}")
                    out.append(_ESCAPES[e])
                    i += 2
                    continue
                out.append(c)
                i += 1
            s = "".join(out)
            m = re.match(r"\*(\d+)", line[i:])
            repeat = 1
            if m:
                repeat = int(m.group(1))
                i += m.end()
            if is_bytes:
                try:
                    val = bytes.fromhex(s) * repeat
                except ValueError:
                    err(f"bad hex in x\"{s}\"")
                toks.append(("bytes", val))
            else:
                toks.append(("str", s * repeat))
        elif ch == "/":
            j = i + 1
            out = []
            while True:
                if j >= n:
                    err("unterminated /regex/")
                if line[j] == "\\" and line[j + 1:j + 2] == "/":
                    out.append("/")
                    j += 2
                    continue
                if line[j] == "/":
                    break
                out.append(line[j])
                j += 1
            toks.append(("regex", "".join(out)))
            i = j + 1
        else:
            j = i
            while j < n and not line[j].isspace() and line[j] not in _SPECIAL:
                j += 1
            toks.append(("word", line[i:j]))
            i = j
    return toks


def _value(tok, lineno):
    kind, v = tok
    if kind == "str":
        return v
    if kind == "bytes":
        return v
    if kind == "regex":
        return Regex(v)
    if kind == "word":
        if v == "null":
            return None
        if v == "*":
            return ANY
        if v == "...":
            return REST
        if v.startswith("$") and len(v) > 1:
            return Var(v[1:])
        if re.fullmatch(r"-?\d+", v):
            return int(v)
        return Word(v)
    raise ScriptError(f"line {lineno}: unexpected {v!r}")


def _parse_args(toks, lineno):
    """Tokens -> (positional values, keyword values); lists are [v, v, ...]."""
    pos, kw, i = [], {}, 0

    def parse_value(i):
        if i >= len(toks):
            raise ScriptError(f"line {lineno}: value expected")
        if toks[i][0] == "[":
            items, i = [], i + 1
            while True:
                if i >= len(toks):
                    raise ScriptError(f"line {lineno}: unterminated list")
                if toks[i][0] == "]":
                    return items, i + 1
                v, i = parse_value(i)
                items.append(v)
                if i < len(toks) and toks[i][0] == ",":
                    i += 1
        if toks[i][0] in ("]", ",", "="):
            raise ScriptError(f"line {lineno}: unexpected {toks[i][1]!r}")
        return _value(toks[i], lineno), i + 1

    while i < len(toks):
        if toks[i][0] == "word" and i + 1 < len(toks) and toks[i + 1][0] == "=":
            key = toks[i][1]
            if key in kw:
                raise ScriptError(f"line {lineno}: {key}= given twice")
            kw[key], i = parse_value(i + 2)
        else:
            v, i = parse_value(i)
            pos.append(v)
    return pos, kw


# ---------------------------------------------------------------------------------------
# Parsed script

class Step:
    def __init__(self, lineno, text, op, name=None, pos=(), kw=None, repeat=None, body=None):
        self.lineno, self.text, self.op, self.name = lineno, text, op, name
        self.pos, self.kw = list(pos), dict(kw or {})
        self.repeat = repeat          # None, "*" or "+"
        self.body = body or []        # for unordered blocks

    def where(self):
        return f"line {self.lineno}: {self.text}"


SEND_NAMES = {"Startup", "SSLRequest", "GSSENCRequest", "CancelRequest", "Query", "Parse",
              "Bind", "Describe", "Execute", "Close", "Sync", "Flush", "Terminate",
              "CopyData", "CopyDone", "CopyFail", "PasswordMessage", "raw", "msg", "packet"}
SPECIAL_EXPECTS = {"close", "nothing", "byte", "startup", "ProtocolV2Error"}


class Script:
    """A parsed wire script: `steps`, `only` targets, `differences` notes, `doc` text."""

    def __init__(self, path, text=None):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        if text is None:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        self.only = set()
        self.only_reason = ""
        self.differences = {}       # target -> note
        self.ignore = set()
        self.cleanup = []           # SQL run before and after the script, errors ignored
        self.timeout = DEFAULT_TIMEOUT
        self.doc = []
        self.steps = []
        self._parse(text)

    def _parse(self, text):
        block = None
        in_header = True
        for lineno, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if not stripped:
                continue
            if stripped.startswith("#"):
                if in_header:
                    self.doc.append(stripped.lstrip("#").strip())
                continue
            in_header = False
            toks = _lex(line, lineno)
            if not toks:
                continue
            if toks[0][0] != "word":
                raise ScriptError(f"{self.path}:{lineno}: a line starts with a command word")
            cmd = toks[0][1]
            rest = toks[1:]
            step = self._parse_step(cmd, rest, lineno, stripped)
            if step is None:
                continue
            if step.op == "unordered":
                if block is not None:
                    raise ScriptError(f"{self.path}:{lineno}: nested unordered block")
                block = step
                continue
            if step.op == "end":
                if block is None:
                    raise ScriptError(f"{self.path}:{lineno}: end without unordered")
                if not block.body:
                    raise ScriptError(f"{self.path}:{lineno}: empty unordered block")
                self.steps.append(block)
                block = None
                continue
            if block is not None:
                if step.op != "expect" or step.repeat or step.name in SPECIAL_EXPECTS:
                    raise ScriptError(f"{self.path}:{lineno}: only single-message expects "
                                      f"may appear in an unordered block")
                block.body.append(step)
            else:
                self.steps.append(step)
        if block is not None:
            raise ScriptError(f"{self.path}: unordered block not closed with end")

    def _parse_step(self, cmd, toks, lineno, text):
        def fail(msg):
            raise ScriptError(f"{self.path}:{lineno}: {msg}: {text}")

        pos, kw = _parse_args(toks, lineno) if cmd not in ("send", "expect") else ([], {})
        if cmd == "only":
            if not pos or not all(isinstance(p, str) for p in pos):
                fail("usage: only TARGET [\"reason\"]")
            self.only.add(str(pos[0]))
            self.only_reason = " ".join(str(p) for p in pos[1:])
            return None
        if cmd == "known-difference":
            if len(pos) != 2:
                fail("usage: known-difference TARGET \"note\"")
            self.differences[str(pos[0])] = str(pos[1])
            return None
        if cmd == "ignore":
            for p in pos:
                if p not in wire.BACKEND_NAMES:
                    fail(f"unknown message {p}")
                self.ignore.add(str(p))
            return None
        if cmd == "cleanup":
            if len(pos) != 1 or not isinstance(pos[0], str) or kw:
                fail('usage: cleanup "SQL"')
            self.cleanup.append(pos[0])
            return None
        if cmd == "timeout":
            if len(pos) != 1:
                fail("usage: timeout SECONDS")
            self.timeout = float(pos[0])
            return None
        if cmd in ("unordered", "end", "disconnect", "half-close"):
            if pos or kw:
                fail(f"{cmd} takes no arguments")
            return Step(lineno, text, cmd)
        if cmd == "connect":
            words = [str(p) for p in pos]
            if not words or words[0] in ("raw", "unix"):
                words.insert(0, "main")
            for w in words[1:]:
                if w not in ("raw", "unix"):
                    fail("usage: connect [NAME] [raw] [unix]")
            if kw:
                fail("usage: connect [NAME] [raw] [unix]")
            return Step(lineno, text, "connect", pos=words)
        if cmd == "use":
            if len(pos) != 1:
                fail("usage: use NAME")
            return Step(lineno, text, "use", name=str(pos[0]))
        if cmd == "sleep":
            if len(pos) != 1:
                fail("usage: sleep SECONDS")
            return Step(lineno, text, "sleep", pos=[float(pos[0])])
        if cmd in ("send", "expect"):
            if not toks or toks[0][0] != "word":
                fail(f"{cmd} needs a message name")
            name = toks[0][1]
            repeat = None
            if cmd == "expect" and name[-1:] in ("*", "+"):
                name, repeat = name[:-1], name[-1]
            if cmd == "send":
                if name not in SEND_NAMES:
                    fail(f"unknown frontend message {name}")
                if name in ("raw", "msg", "packet"):
                    payload_toks = toks[1:]
                    kind = None
                    if name == "msg":
                        if not payload_toks:
                            fail("usage: send msg TYPE payload...")
                        kind = payload_toks[0][1]
                        if len(kind) != 1:
                            fail("message type must be one character")
                        payload_toks = payload_toks[1:]
                    data = _payload(payload_toks, lineno, fail)
                    return Step(lineno, text, "send", name, pos=[kind, data])
            else:
                if name not in wire.BACKEND_NAMES and name not in SPECIAL_EXPECTS:
                    fail(f"unknown backend message {name}")
                if repeat and name in SPECIAL_EXPECTS:
                    fail(f"{name} cannot repeat")
            pos, kw = _parse_args(toks[1:], lineno)
            step = Step(lineno, text, cmd, name, pos, kw, repeat)
            if cmd == "expect":
                _normalise_expect(step, fail)
            else:
                _check_send(step, fail)
            return step
        fail(f"unknown command {cmd}")


def _payload(toks, lineno, fail):
    out = b""
    for kind, v in toks:
        if kind == "str":
            out += v.encode()
        elif kind == "bytes":
            out += v
        elif kind == "word":
            m = re.fullmatch(r"i(8|16|32):(-?\d+)", v)
            if m:
                bits, num = int(m.group(1)), int(m.group(2))
                out += num.to_bytes(bits // 8, "big", signed=num < 0)
            elif re.fullmatch(r"([0-9a-fA-F]{2})+", v):
                out += bytes.fromhex(v)
            else:
                fail(f"payload item {v!r} is neither hex, i8:/i16:/i32:N nor a string")
        else:
            fail(f"unexpected {v!r} in payload")
    return out


SEND_KEYS = {
    "Startup": None, "SSLRequest": set(), "GSSENCRequest": set(), "Sync": set(),
    "Flush": set(), "Terminate": set(), "CopyDone": set(),
    "CancelRequest": {"pid", "key", "for"}, "Query": {"sql"},
    "Parse": {"name", "query", "types"},
    "Bind": {"portal", "statement", "params", "formats", "results"},
    "Describe": {"statement", "portal"}, "Execute": {"portal", "rows"},
    "Close": {"statement", "portal"}, "CopyData": {"data"}, "CopyFail": {"message"},
    "PasswordMessage": {"password"},
}
SEND_POSITIONAL = {"Query": 1, "Parse": 1, "CopyData": 1, "CopyFail": 1, "PasswordMessage": 1}


def _check_send(step, fail):
    allowed = SEND_KEYS[step.name]
    if allowed is not None:
        bad = set(step.kw) - allowed
        if bad:
            fail(f"{step.name} takes no {', '.join(sorted(bad))}= (allowed: "
                 f"{', '.join(sorted(allowed)) or 'nothing'})")
        if len(step.pos) > SEND_POSITIONAL.get(step.name, 0):
            fail(f"too many positional arguments for {step.name}")
    elif step.pos:
        fail("Startup takes only key=value arguments")
    if step.name in ("Describe", "Close") and len(step.kw) != 1:
        fail(f"{step.name} needs exactly one of statement= or portal=")


def _normalise_expect(step, fail):
    if step.name in SPECIAL_EXPECTS:
        if step.name == "byte" and (len(step.pos) != 1 or step.kw):
            fail("usage: expect byte CHAR")
        if step.name == "nothing" and (len(step.pos) > 1 or step.kw):
            fail("usage: expect nothing [SECONDS]")
        if step.name == "close" and (step.pos or step.kw):
            fail("usage: expect close")
        if step.name == "ProtocolV2Error" and (len(step.pos) > 1 or step.kw):
            fail("usage: expect ProtocolV2Error [/regex/ or \"text\"]")
        if step.name == "startup" and step.pos:
            fail("usage: expect startup [PARAM=value ...]")
        return
    names = POSITIONAL.get(step.name, [])
    if len(step.pos) > len(names):
        fail(f"{step.name} takes at most {len(names)} positional argument(s)")
    for field, v in zip(names, step.pos):
        if field in step.kw:
            fail(f"{field} given twice")
        step.kw[field] = v
    step.pos = []
    for field in list(step.kw):
        if field in TYPE_LIST_FIELDS and isinstance(step.kw[field], list):
            step.kw[field] = [_type_oid(v, fail) for v in step.kw[field]]
    if step.name == "NegotiateProtocolVersion" and isinstance(step.kw.get("version"), Word):
        step.kw["version"] = wire.protocol_code(step.kw["version"])


def _type_oid(v, fail):
    if isinstance(v, Word):
        if v not in TYPE_OIDS:
            fail(f"unknown type name {v} (use an OID)")
        return TYPE_OIDS[v]
    return v


# ---------------------------------------------------------------------------------------
# Matching

def _as_text(actual):
    if isinstance(actual, bytes):
        return actual.decode("utf-8", errors="replace")
    return str(actual)


def match(expected, actual, env, path="value"):
    """None if `actual` matches `expected`, else a short description of the mismatch.

    Binds unbound variables in `env` as a side effect."""
    if expected is ANY:
        return None
    if isinstance(expected, Var):
        if expected.name not in env:
            env[expected.name] = actual
            return None
        expected = env[expected.name]
    if isinstance(expected, Regex):
        if actual is None:
            return f"{path}: expected {expected!r}, got null"
        return None if expected.rx.search(_as_text(actual)) else \
            f"{path}: {_as_text(actual)!r} does not match {expected!r}"
    if expected is None:
        return None if actual is None else f"{path}: expected null, got {actual!r}"
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{path}: expected a list, got {actual!r}"
        exp = list(expected)
        open_ended = bool(exp) and exp[-1] is REST
        if open_ended:
            exp = exp[:-1]
        if len(actual) < len(exp) or (not open_ended and len(actual) != len(exp)):
            return f"{path}: expected {len(exp)}{'+' if open_ended else ''} items, " \
                   f"got {len(actual)}: {wire._show(actual)}"
        for i, (e, a) in enumerate(zip(exp, actual)):
            d = match(e, a, env, f"{path}[{i}]")
            if d:
                return d
        return None
    if actual is None:
        return f"{path}: expected {wire._show(expected)}, got null"
    if isinstance(expected, bytes):
        a = actual.encode() if isinstance(actual, str) else actual
        return None if a == expected else f"{path}: expected {wire._show(expected)}, got {wire._show(actual)}"
    if isinstance(expected, bool):
        expected = int(expected)
    if isinstance(expected, int):
        if isinstance(actual, int):
            return None if actual == expected else f"{path}: expected {expected}, got {actual}"
        return None if _as_text(actual) == str(expected) else \
            f"{path}: expected {expected}, got {wire._show(actual)}"
    # a string or a word
    return None if _as_text(actual) == str(expected) else \
        f"{path}: expected {wire._show(str(expected))}, got {wire._show(actual)}"


def match_message(step, msg, env):
    """None if message `msg` satisfies expect-step `step`, else why not."""
    if msg.name != step.name:
        return f"expected {step.name}, got {msg!r}"
    for field, exp in step.kw.items():
        if field not in msg.fields:
            return f"{step.name} has no field {field!r} (fields: {', '.join(msg.fields) or 'none'})"
        d = match(exp, msg.fields[field], env, f"{step.name}.{field}")
        if d:
            return d
    return None


# ---------------------------------------------------------------------------------------
# Running

class Target:
    """Where a script runs: host, port, socket_path, user, dbname, name ('oracle'/'pgwire').

    Any object with these attributes works (pgharness.servers.Server has them)."""

    def __init__(self, name, host, port, user, dbname, socket_path=None):
        self.name, self.host, self.port = name, host, port
        self.user, self.dbname, self.socket_path = user, dbname, socket_path


class _Conn:
    def __init__(self, name, raw):
        self.name = name
        self.raw = raw
        self.pending = []          # decoded messages read ahead
        self.pid = None
        self.key = None
        self.params = {}


class Runner:
    """Runs one Script against one target.  `trace` (a callable) gets each line of traffic."""

    def __init__(self, script, target, trace=None):
        self.script = script
        self.target = target
        self.trace_cb = trace
        self.env = {"user": target.user, "database": target.dbname}
        self.conns = {}
        self.cur = None
        self.transcript = []
        self.timeout = script.timeout * TIMEOUT_SCALE

    # -- reporting
    def _trace(self, line):
        entry = f"[{self.cur.name if self.cur else '-'}] {line}"
        self.transcript.append(entry)
        if self.trace_cb:
            self.trace_cb(entry)

    def _fail(self, step, why):
        recent = "\n".join("    " + t for t in self.transcript[-40:])
        raise WireScriptFailure(
            f"{self.script.path}:{step.lineno} [{self.target.name}] {why}\n"
            f"  script line: {step.text}\n  transcript (most recent last):\n{recent}")

    # -- connections
    def _connect(self, name, raw=False, unix=False, step=None):
        if name in self.conns:
            self._fail(step, f"connection {name} is already open")
        try:
            if unix:
                if not getattr(self.target, "socket_path", None):
                    self._fail(step, "target has no Unix socket")
                sock = wire.Connection.unix(self.target.socket_path, self.timeout)
            else:
                sock = wire.Connection.tcp(self.target.host, self.target.port, self.timeout)
        except OSError as e:
            self._fail(step, f"cannot connect: {e}")
        c = _Conn(name, sock)
        self.conns[name] = c
        self.cur = c
        self._trace(f"connected ({'unix' if unix else 'tcp'}{', raw' if raw else ''})")
        if not raw:
            self._send(step, wire.startup({"user": self.target.user,
                                           "database": self.target.dbname}),
                       "Startup (implicit)")
            self._expect_startup(step, {})

    def _need_conn(self, step):
        if self.cur is None:
            self._connect("main", step=step)
        return self.cur

    # -- run
    def run(self):
        self._cleanup()
        try:
            for step in self.script.steps:
                self._step(step)
        finally:
            for c in self.conns.values():
                c.raw.close()
            self._cleanup()

    def _cleanup(self):
        """Run the script's `cleanup` SQL on a connection of its own, best effort: leftovers
        of an earlier failed run must not fail this one, and a crashed server must not hide
        the real failure."""
        if not self.script.cleanup:
            return
        try:
            c = wire.Connection.tcp(self.target.host, self.target.port, self.timeout)
        except OSError:
            return
        try:
            c.send(wire.startup({"user": self.target.user, "database": self.target.dbname}))
            while c.read_message(self.timeout).name != "ReadyForQuery":
                pass
            for sql in self.script.cleanup:
                c.send(wire.query(sql))
                while c.read_message(self.timeout).name != "ReadyForQuery":
                    pass
            c.send(wire.terminate())
        except Exception:
            pass
        finally:
            c.close()

    def _step(self, step):
        op = step.op
        if op == "connect":
            name, opts = step.pos[0], set(step.pos[1:])
            self._connect(name, raw="raw" in opts, unix="unix" in opts, step=step)
        elif op == "use":
            if step.name not in self.conns:
                self._fail(step, f"no connection named {step.name}")
            self.cur = self.conns[step.name]
        elif op == "disconnect":
            c = self._need_conn(step)
            c.raw.close()
            self._trace("disconnected")
            del self.conns[c.name]
            self.cur = None
        elif op == "half-close":
            c = self._need_conn(step)
            c.raw.shutdown_write()
            self._trace("> (half-close: no more bytes from the client)")
        elif op == "sleep":
            time.sleep(step.pos[0] * TIMEOUT_SCALE)
        elif op == "send":
            self._need_conn(step)
            data, label = self._build(step)
            self._send(step, data, label)
        elif op == "expect":
            self._need_conn(step)
            self._expect(step)
        elif op == "unordered":
            self._need_conn(step)
            self._expect_unordered(step)

    def _resolve(self, v, step):
        if isinstance(v, Var):
            if v.name not in self.env:
                self._fail(step, f"variable ${v.name} is not set")
            return self.env[v.name]
        if isinstance(v, list):
            return [self._resolve(x, step) for x in v]
        return v

    def _build(self, step):
        kw = {k: self._resolve(v, step) for k, v in step.kw.items()}
        pos = [self._resolve(v, step) for v in step.pos]
        n = step.name
        label = step.text[len("send "):].strip()
        if n == "raw":
            return pos[1], label
        if n == "packet":
            return wire.untyped(pos[1]), label
        if n == "msg":
            return wire.typed(pos[0], pos[1]), label
        if n == "Startup":
            version = kw.pop("version", "3.0")
            params = {k: _as_text(v) for k, v in kw.items()} or \
                {"user": self.target.user, "database": self.target.dbname}
            return wire.startup(params, str(version) if isinstance(version, Word) else version), label
        if n == "SSLRequest":
            return wire.ssl_request(), label
        if n == "GSSENCRequest":
            return wire.gssenc_request(), label
        if n == "CancelRequest":
            if "for" in kw:
                other = self.conns.get(str(kw["for"]))
                if other is None or other.pid is None:
                    self._fail(step, f"no started connection named {kw['for']}")
                return wire.cancel_request(other.pid, other.key), label
            return wire.cancel_request(int(kw.get("pid", 0)), int(kw.get("key", 0))), label
        if n == "Query":
            return wire.query(_as_text(pos[0] if pos else kw.get("sql", ""))), label
        if n == "Parse":
            sql = pos[0] if pos else kw.get("query", "")
            types = [_type_oid(t, lambda m: self._fail(step, m)) for t in kw.get("types", [])]
            return wire.parse(_as_text(kw.get("name", "")), _as_text(sql), types), label
        if n == "Bind":
            return wire.bind(_as_text(kw.get("portal", "")), _as_text(kw.get("statement", "")),
                             kw.get("params", []), kw.get("formats", []),
                             kw.get("results", [])), label
        if n in ("Describe", "Close"):
            kind, name = next(iter(kw.items()))
            fn = wire.describe if n == "Describe" else wire.close
            return fn("S" if kind == "statement" else "P", _as_text(name)), label
        if n == "Execute":
            return wire.execute(_as_text(kw.get("portal", "")), int(kw.get("rows", 0))), label
        if n == "Sync":
            return wire.sync(), label
        if n == "Flush":
            return wire.flush(), label
        if n == "Terminate":
            return wire.terminate(), label
        if n == "CopyData":
            return wire.copy_data(pos[0] if pos else kw.get("data", b"")), label
        if n == "CopyDone":
            return wire.copy_done(), label
        if n == "CopyFail":
            return wire.copy_fail(_as_text(pos[0] if pos else kw.get("message", ""))), label
        if n == "PasswordMessage":
            return wire.password(_as_text(pos[0] if pos else kw.get("password", ""))), label
        self._fail(step, f"cannot send {n}")

    def _send(self, step, data, label):
        self._trace(f"> {label}" + (f"  ({len(data)} bytes)" if len(data) > 200 else ""))
        self.cur.raw.send(data)

    # -- reading
    def _next(self, step, timeout=None):
        c = self.cur
        if c.pending:
            return c.pending.pop(0)
        try:
            msg = c.raw.read_message(self.timeout if timeout is None else timeout)
        except wire.ConnectionClosed as e:
            extra = f" with {len(e.pending)} stray bytes {e.pending[:64]!r}" if e.pending else ""
            self._trace(f"< closed ({e.how}){extra}")
            self._fail(step, f"server closed the connection ({e.how}){extra}")
        except wire.ReadTimeout as e:
            extra = f"; {len(e.pending)} bytes of an incomplete message: {e.pending[:64]!r}" \
                if e.pending else ""
            self._fail(step, f"no reply within {self.timeout:g}s{extra}")
        except wire.ProtocolError as e:
            self._trace(f"< garbage: {e}")
            self._fail(step, f"malformed reply: {e}")
        self._trace(f"< {msg!r}")
        return msg

    def _next_relevant(self, step, wanted):
        while True:
            msg = self._next(step)
            if msg.name in self.script.ignore and msg.name != wanted:
                continue
            return msg

    def _expect(self, step):
        n = step.name
        if n == "close":
            return self._expect_close(step)
        if n == "nothing":
            return self._expect_nothing(step)
        if n == "byte":
            return self._expect_byte(step)
        if n == "ProtocolV2Error":
            return self._expect_v2_error(step)
        if n == "startup":
            return self._expect_startup(step, step.kw)
        if step.repeat is None:
            msg = self._next_relevant(step, n)
            why = match_message(step, msg, self.env)
            if why:
                self._fail(step, why)
            self._note(msg)
            return
        count = 0
        while True:
            if not self.cur.pending:
                try:
                    msg = self.cur.raw.read_message(self.timeout)
                except (wire.ReadTimeout, wire.ConnectionClosed):
                    break
                except wire.ProtocolError as e:
                    self._fail(step, f"malformed reply: {e}")
                self._trace(f"< {msg!r}")
                self.cur.pending.append(msg)
            msg = self.cur.pending[0]
            if msg.name in self.script.ignore and msg.name != n:
                self.cur.pending.pop(0)
                continue
            if msg.name != n:
                break
            env = dict(self.env)
            why = match_message(step, msg, env)
            if why:
                self._fail(step, why)
            self.env = env
            self.cur.pending.pop(0)
            self._note(msg)
            count += 1
        if step.repeat == "+" and count == 0:
            nxt = self.cur.pending[0] if self.cur.pending else "nothing"
            self._fail(step, f"expected at least one {n}, got {nxt!r}")

    def _note(self, msg):
        if msg.name == "BackendKeyData":
            self.cur.pid, self.cur.key = msg["pid"], msg["key"]
        elif msg.name == "ParameterStatus":
            self.cur.params[msg["name"]] = msg["value"]

    def _expect_unordered(self, block):
        remaining = list(block.body)
        while remaining:
            msg = self._next_relevant(block, None)
            for i, step in enumerate(remaining):
                env = dict(self.env)
                if match_message(step, msg, env) is None:
                    self.env = env
                    self._note(msg)
                    del remaining[i]
                    break
            else:
                why = "; ".join(f"line {s.lineno}: {match_message(s, msg, dict(self.env))}"
                                for s in remaining)
                self._fail(block, f"{msg!r} matches none of the remaining expectations "
                                  f"({why})")

    def _expect_startup(self, step, checks):
        """AuthenticationOk, then ParameterStatus*/BackendKeyData in any order, then
        ReadyForQuery I; `checks` are PARAM=value expectations on the ParameterStatus set."""
        msg = self._next_relevant(step, "AuthenticationOk")
        if msg.name != "AuthenticationOk":
            self._fail(step, f"startup: expected AuthenticationOk, got {msg!r}")
        keys = 0
        while True:
            msg = self._next_relevant(step, None)
            if msg.name == "ParameterStatus":
                self._note(msg)
            elif msg.name == "BackendKeyData":
                keys += 1
                self._note(msg)
            elif msg.name == "ReadyForQuery":
                if msg["status"] != "I":
                    self._fail(step, f"startup ended with {msg!r}, expected status I")
                break
            else:
                self._fail(step, f"startup: unexpected {msg!r}")
        if keys != 1:
            self._fail(step, f"startup: {keys} BackendKeyData messages, expected exactly 1")
        for name, exp in checks.items():
            if name not in self.cur.params:
                self._fail(step, f"startup: no ParameterStatus {name} "
                                 f"(got: {', '.join(sorted(self.cur.params))})")
            why = match(exp, self.cur.params[name], self.env, f"ParameterStatus {name}")
            if why:
                self._fail(step, why)

    def _expect_close(self, step):
        c = self.cur
        if c.pending:
            self._fail(step, f"expected the server to close, got {c.pending[0]!r}")
        try:
            msg = c.raw.read_message(self.timeout)
        except wire.ConnectionClosed as e:
            if e.pending:
                self._trace(f"< {e.pending[:80]!r} then closed ({e.how})")
                self._fail(step, f"expected the server to close silently, it sent "
                                 f"{e.pending[:200]!r} first")
            self._trace(f"< closed ({e.how})")
            return
        except wire.ReadTimeout as e:
            self._fail(step, f"server did not close the connection within {self.timeout:g}s"
                       + (f"; it sent {e.pending[:80]!r}" if e.pending else ""))
        except wire.ProtocolError as e:
            self._fail(step, f"expected the server to close, it sent garbage: {e}")
        self._trace(f"< {msg!r}")
        self._fail(step, f"expected the server to close, got {msg!r}")

    def _expect_nothing(self, step):
        c = self.cur
        secs = float(step.pos[0]) if step.pos else QUIET_TIMEOUT * TIMEOUT_SCALE
        if c.pending:
            self._fail(step, f"expected no message, got {c.pending[0]!r}")
        data = c.raw.quiet(secs)
        if data:
            try:
                msg = c.raw.read_message(0.01)
                shown = repr(msg)
            except Exception:
                shown = repr(data[:80])
            self._fail(step, f"expected no message within {secs:g}s, got {shown}")
        if c.raw.eof:
            self._fail(step, f"expected no message, but the server closed the connection "
                             f"({c.raw.eof})")
        self._trace(f"< (nothing for {secs:g}s)")

    def _expect_byte(self, step):
        try:
            b = self.cur.raw.read_bytes(1, self.timeout)
        except wire.ConnectionClosed as e:
            self._fail(step, f"server closed the connection ({e.how}) instead of a byte")
        except wire.ReadTimeout:
            self._fail(step, f"no byte within {self.timeout:g}s")
        ch = b.decode("latin-1")
        self._trace(f"< byte {ch!r}")
        why = match(step.pos[0], ch, self.env, "byte")
        if why:
            self._fail(step, why)

    def _expect_v2_error(self, step):
        """A protocol-2.0 style error: 'E' then a NUL-terminated text, no length word.
        PostgreSQL answers a 1.x/2.x startup packet this way."""
        raw = self.cur.raw
        try:
            first = raw.read_bytes(1, self.timeout)
            if first != b"E":
                self._fail(step, f"expected 'E' of a v2 error, got {first + raw.buf[:40]!r}")
            text = b""
            while True:
                ch = raw.read_bytes(1, self.timeout)
                if ch == b"\0":
                    break
                text += ch
        except wire.ConnectionClosed as e:
            self._fail(step, f"server closed the connection ({e.how}) in a v2 error")
        except wire.ReadTimeout as e:
            self._fail(step, f"incomplete v2 error: {e.pending!r}")
        self._trace(f"< ProtocolV2Error {text!r}")
        if step.pos:
            why = match(step.pos[0], text, self.env, "ProtocolV2Error")
            if why:
                self._fail(step, why)


def run_script(script, target, trace=None):
    """Run a Script (or a path) against a target; raises WireScriptFailure on mismatch."""
    if isinstance(script, str):
        script = Script(script)
    Runner(script, target, trace).run()
    return script
