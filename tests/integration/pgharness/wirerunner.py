"""Wire-script runner: replay a parsed Script against a server and check every reply.

Job: send the messages a Script names over raw sockets (pgharness.wire) and compare each
reply with its expectation, so that the same file can be replayed against real PostgreSQL
(the oracle) and against iris-pgwire.

Invariants:
- Expectations are strict about order and message types (apart from `unordered` blocks,
  `Type*`/`Type+` repetitions and `ignore` directives) and lenient only where a field is
  not mentioned: an unmentioned field is not checked.
- Every failure names the script line, what was expected, what arrived, and the recent
  transcript of the connection.
- Connections are closed and `cleanup` SQL is run whatever happens.

Used by: tests/integration/test_wire_scripts.py and tests/wire/run.py.
"""

import os
import time

from . import wire
from .wirescript import ANY, REST, Regex, Script, Var, Word, _as_text, _type_oid

QUIET_TIMEOUT = 0.3
TIMEOUT_SCALE = float(os.environ.get("PGHARNESS_TIMEOUT_SCALE", "1"))


class WireScriptFailure(AssertionError):
    """The server's replies did not match the script."""


# ---------------------------------------------------------------------------------------
# Matching

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
