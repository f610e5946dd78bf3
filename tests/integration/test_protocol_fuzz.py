"""Seeded protocol fuzzing: valid message sequences, mutated (lengths, types, bytes,
truncations, reordering), sent on fresh connections.  Whatever the server answers, it must
stay up and serve the next client; under the sanitizer build (make integration-san) any
memory error fails the run through the fixture's log check.
"""

import random
import socket
import struct

from pgharness import clients


def msg(t, body=b""):
    return t + struct.pack("!i", len(body) + 4) + body


def cstr(s):
    return s.encode() + b"\0"


def startup():
    body = struct.pack("!i", 196608) + cstr("user") + cstr("postgres") + cstr("database") + cstr("postgres") + b"\0"
    return struct.pack("!i", len(body) + 4) + body


def base_sequences():
    parse = msg(b"P", cstr("s1") + cstr("select $1::int + 1, $2::text") + struct.pack("!hii", 2, 23, 25))
    bind = msg(b"B", cstr("p1") + cstr("s1") + struct.pack("!hh", 1, 0) + struct.pack("!h", 2)
               + struct.pack("!i", 2) + b"41" + struct.pack("!i", 3) + b"abc" + struct.pack("!hh", 1, 0))
    describe = msg(b"D", b"P" + cstr("p1"))
    execute = msg(b"E", cstr("p1") + struct.pack("!i", 0))
    sync = msg(b"S")
    return [
        [msg(b"Q", cstr("select 1, 'two', null"))],
        [msg(b"Q", cstr("create table if not exists fuzz_t (a int, b text); insert into fuzz_t values (1, 'x'); select * from fuzz_t"))],
        [parse, bind, describe, execute, sync],
        [parse, msg(b"D", b"S" + cstr("s1")), sync, msg(b"C", b"S" + cstr("s1")), sync],
        [msg(b"Q", cstr("begin")), msg(b"Q", cstr("select 1/0")), msg(b"Q", cstr("rollback"))],
        [msg(b"Q", cstr("set datestyle = 'German'; select now()::date; show datestyle"))],
    ]


def mutate(rng, seq):
    data = bytearray(b"".join(seq))
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        if not data:
            break
        i = rng.randrange(len(data))
        if op == 0:
            data[i] = rng.randrange(256)
        elif op == 1:
            del data[i:i + rng.randint(1, 8)]
        elif op == 2:
            data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 3 and i + 4 <= len(data):
            data[i:i + 4] = struct.pack("!i", rng.choice([0, 3, 4, 5, 0x7fffffff, -1, rng.randrange(1 << 16)]))
        elif op == 4:
            data = data[:i]
        else:
            j = rng.randrange(len(data))
            data[i], data[j] = data[j], data[i]
    return bytes(data)


def drain(sock):
    sock.settimeout(1.0)
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass


def test_mutated_sessions_never_take_the_server_down(pgwire_server):
    rng = random.Random(20261127)
    seqs = base_sequences()
    for i in range(150):
        payload = mutate(rng, rng.choice(seqs)) + msg(b"X")
        s = socket.create_connection((pgwire_server.host, pgwire_server.port), timeout=5)
        try:
            s.sendall(startup() + payload)
            s.shutdown(socket.SHUT_WR)
            drain(s)
        except OSError:
            pass
        finally:
            s.close()
        if i % 25 == 0:
            with clients.connect(pgwire_server) as c:
                assert c.execute("select 1").fetchone() == (1,)
    with clients.connect(pgwire_server) as c:
        assert c.execute("select 'still up'").fetchone() == ("still up",)


def test_mutated_startup_packets(pgwire_server):
    rng = random.Random(7)
    for _ in range(150):
        pkt = bytearray(startup())
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(pkt))
            pkt[i] = rng.randrange(256)
        s = socket.create_connection((pgwire_server.host, pgwire_server.port), timeout=5)
        try:
            s.sendall(bytes(pkt[: rng.randint(1, len(pkt))]))
            s.shutdown(socket.SHUT_WR)
            drain(s)
        except OSError:
            pass
        finally:
            s.close()
    with clients.connect(pgwire_server) as c:
        assert c.execute("select 1").fetchone() == (1,)
