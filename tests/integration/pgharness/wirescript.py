"""Wire scripts: the language of tests/wire/*.wire (lexer, parser, parsed form).

Job: turn a `.wire` file into a `Script`: its directives (only, known-difference, ignore,
timeout, cleanup), its header comment, and a list of checked `Step`s that
pgharness.wirerunner replays against a server.  The language is described in
docs/testing.md.

Invariants:
- A script is parsed completely before anything is sent: a syntax error (unknown message,
  unknown argument, bad hex, unknown type name) never depends on what a server answers.
- Values keep their kind (string, bytes, number, null, regex, wildcard, variable, word) so
  that matching can tell "1" from 1 where it matters.

Used by: pgharness.wirerunner, tests/integration/test_wire_scripts.py, tests/wire/run.py.
"""

import os
import re

from . import wire

DEFAULT_TIMEOUT = 5.0

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


def _as_text(actual):
    if isinstance(actual, bytes):
        return actual.decode("utf-8", errors="replace")
    return str(actual)
