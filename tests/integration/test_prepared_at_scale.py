"""Prepared statements at scale (issue 4, deliverable 4).

Statement names belong to the client session, while engine connections (and the engine
statements cached on each) are shared by all sessions: with one engine connection, two
sessions using the same statement names for different SQL must each get their own; many
more statements than the per-connection engine cache holds must all stay correct (the
cache evicts and re-prepares); DISCARD ALL and DEALLOCATE act on one session only.
"""

import threading

import psycopg

from pgharness import clients, wire
from pgharness.rawsession import RawSession, error_of, first


def test_same_names_in_sessions_sharing_one_engine_connection(make_pgwire):
    server = make_pgwire(engine_pool_size=1)
    a, b = RawSession(server), RawSession(server)
    try:
        for s, expr in ((a, "'a:' || $1::text"), (b, "$1::int * 100")):
            msgs = s.exchange(wire.parse("q", f"select {expr} as v"), wire.sync())
            assert error_of(msgs) is None
        for i in range(20):
            for s, expect in ((a, f"a:{i}".encode()), (b, str(i * 100).encode())):
                msgs = s.exchange(wire.bind(statement="q", params=[str(i)]), wire.execute(), wire.sync())
                assert first(msgs, "DataRow")["values"] == [expect]
        # DISCARD ALL in one session leaves the other's statements alone
        assert error_of(a.query("discard all")) is None
        assert error_of(a.exchange(wire.bind(statement="q", params=["1"]), wire.sync()))[0] == "26000"
        msgs = b.exchange(wire.bind(statement="q", params=["7"]), wire.execute(), wire.sync())
        assert first(msgs, "DataRow")["values"] == [b"700"]
    finally:
        a.close()
        b.close()


def test_more_statements_than_the_engine_cache_holds(pgwire_server):
    """600 named statements (the engine keeps 256 per connection), each executed twice."""
    with RawSession(pgwire_server) as s:
        n = 600
        s.exchange(*[wire.parse(f"scale_{i}", f"select {i} + $1::int as v") for i in range(n)], wire.sync())
        for round_ in range(2):
            msgs = s.exchange(*[m for i in range(n) for m in (wire.bind(statement=f"scale_{i}", params=[str(round_)]),
                                                               wire.execute())], wire.sync())
            rows = [m["values"][0] for m in msgs if m.name == "DataRow"]
            assert rows == [str(i + round_).encode() for i in range(n)]
        assert error_of(s.query("deallocate all")) is None


def test_concurrent_sessions_with_prepared_statements(make_pgwire):
    """Eight threads, each with its own statements of one name, over two engine connections."""
    server = make_pgwire(engine_pool_size=2)
    errors = []

    def worker(k):
        try:
            with clients.connect(server) as conn:
                conn.execute("prepare same_name(int) as select $1 * %d" % k)
                for i in range(200):
                    got = conn.execute("execute same_name(%d)" % i).fetchone()[0]
                    assert got == i * k, (k, i, got)
                    # and through the protocol, psycopg's own named statements
                    got = conn.execute("select %s::int + " + str(k), [i], prepare=True).fetchone()[0]
                    assert got == i + k
        except (AssertionError, psycopg.Error) as e:
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
