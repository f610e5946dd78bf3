"""A raw protocol session for tests that compare servers message by message.

Job: open a v3 connection (trust authentication), then exchange batches of frontend
messages for the backend messages they produce, up to the ReadyForQuery that ends each
batch.  Used where a wire script would need loops or computed values (binary formats for
every type, values taken from one server and sent to the other).

Invariants: a batch ends after as many ReadyForQuery messages as it holds Sync and Query
messages; nothing is skipped or reordered; a server that closes or stays silent raises.
"""

from . import wire


class RawSession:
    def __init__(self, server, timeout=10.0, **params):
        self.conn = wire.Connection.tcp(server.host, server.port, timeout=timeout)
        self.timeout = timeout
        startup = {"user": server.user, "database": server.dbname}
        startup.update(params)
        self.conn.send(wire.startup(startup))
        self.parameters = {}
        while True:
            m = self.conn.read_message(timeout)
            if m.name == "ErrorResponse":
                raise RuntimeError(f"startup failed: {m}")
            if m.name == "ParameterStatus":
                self.parameters[m["name"]] = m["value"]
            if m.name == "ReadyForQuery":
                break

    def exchange(self, *messages):
        """Send the messages (bytes from pgharness.wire builders); return the replies."""
        ends = sum(1 for m in messages if m[:1] in (b"S", b"Q"))
        self.conn.send(b"".join(messages))
        out = []
        while ends:
            m = self.conn.read_message(self.timeout)
            out.append(m)
            if m.name == "ReadyForQuery":
                ends -= 1
        return out

    def query(self, sql):
        return self.exchange(wire.query(sql))

    def close(self):
        try:
            self.conn.send(wire.terminate())
        finally:
            self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def first(messages, name):
    """The first message of that type, or None."""
    for m in messages:
        if m.name == name:
            return m
    return None


def error_of(messages):
    """(SQLSTATE, message) of the first ErrorResponse, or None."""
    e = first(messages, "ErrorResponse")
    return (e["C"], e["M"]) if e else None
