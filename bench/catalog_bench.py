#!/usr/bin/python3
"""The catalog store's costs, and catalog query latency beside PostgreSQL 15.

    bench/catalog_bench.py [--bin build/iris-pgwire] [--rounds 50] [--tables 30]

Starts a PostgreSQL 15 (initdb, as the tests do) and an iris-pgwire, creates the catalog
tests' schema (tests/integration/catalog/schema.sql) plus `--tables` more tables on both,
then measures (docs/catalog.md, "Measurements"):

- iris-pgwire only: the first connection and statement (the static store was built when
  the server started), the first catalog query of the database (template and schema store), the first
  catalog query after a DDL (a new schema version), the same in a transaction that made the
  DDL (temporary tables), and another connection attaching a version that exists; with the
  server's RSS after each step;
- both servers: medians of psql's `\\d` lookup, `\\dt`, a table's information_schema.columns and
  SQLAlchemy's column query, repeated on one connection, and of a whole `psql -c '\\d orders'`.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

import psycopg  # noqa: E402

from pgharness import catalogdb, clients, servers  # noqa: E402

QUERIES = {
    "psql \\d lookup": "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n "
                       "ON n.oid = c.relnamespace WHERE c.relname OPERATOR(pg_catalog.~) '^(orders)$' COLLATE "
                       "pg_catalog.default AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3",
    "psql \\dt": "SELECT n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c "
                "LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p','') "
                "AND n.nspname <> 'pg_catalog' AND n.nspname !~ '^pg_toast' AND n.nspname <> 'information_schema' "
                "AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1,2",
    "information_schema.columns": "select column_name, data_type, is_nullable, column_default from "
                                  "information_schema.columns where table_schema = 'public' and table_name = 'orders' "
                                  "order by ordinal_position",
    "SQLAlchemy columns": "select a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid), "
                          "a.attnotnull from pg_attribute a left join pg_attrdef d on a.attrelid = d.adrelid and "
                          "a.attnum = d.adnum where a.attrelid = 'orders'::regclass and a.attnum > 0 and not "
                          "a.attisdropped order by a.attnum",
}


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1])
    return 0


def ms(t0):
    return (time.perf_counter() - t0) * 1000


def store_costs(pg, tables):
    out = []
    t0 = time.perf_counter()
    c = clients.connect(pg, dbname=catalogdb.DBNAME)
    c.execute("select 1").fetchall()
    out.append(("first connection and statement (static store built at start)", ms(t0), rss_kb(pg.pid)))
    t0 = time.perf_counter()
    c.execute("select count(*) from pg_class").fetchall()
    out.append(("first catalog query of the database (template + store)", ms(t0), rss_kb(pg.pid)))
    samples = []
    for i in range(10):
        c.execute(f"create table bench_ddl_{i} (a int primary key, b text)")
        t0 = time.perf_counter()
        c.execute("select count(*) from pg_class").fetchall()
        samples.append(ms(t0))
    out.append((f"first catalog query after a DDL ({tables} + 17 tables; median of 10)", statistics.median(samples),
                rss_kb(pg.pid)))
    samples = []
    for i in range(10):
        c.execute("begin")
        c.execute(f"create table bench_txn_{i} (a int)")
        t0 = time.perf_counter()
        c.execute("select count(*) from pg_class").fetchall()
        samples.append(ms(t0))
        c.execute("rollback")
    out.append(("the same inside the transaction (temporary tables; median of 10)", statistics.median(samples),
                rss_kb(pg.pid)))
    others = []
    samples = []
    for _ in range(8):
        o = clients.connect(pg, dbname=catalogdb.DBNAME)
        o.execute("begin")   # keeps its engine connection: the next one needs a new one
        t0 = time.perf_counter()
        o.execute("select count(*) from pg_class").fetchall()
        samples.append(ms(t0))
        others.append(o)
    out.append(("another engine connection, existing version (attach; median of 8)", statistics.median(samples),
                rss_kb(pg.pid)))
    for o in others:
        o.execute("rollback")
        o.close()
    c.close()
    return out


def query_medians(server, rounds):
    out = {}
    with clients.connect(server, dbname=catalogdb.DBNAME) as c:
        for name, sql in QUERIES.items():
            c.execute(sql).fetchall()
            samples = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                c.execute(sql).fetchall()
                samples.append(ms(t0))
            out[name] = statistics.median(samples)
    samples = []
    env = dict(server.env(), PAGER="cat")
    for _ in range(max(5, rounds // 5)):
        t0 = time.perf_counter()
        subprocess.run([clients.PSQL, "-X", "-d", catalogdb.DBNAME, "-c", "\\d orders"], env=env, capture_output=True,
                       check=True)
        samples.append(ms(t0))
    out["whole psql -c '\\d orders'"] = statistics.median(samples)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "build", "iris-pgwire"))
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--tables", type=int, default=30)
    args = ap.parse_args()
    oracle = servers.PgOracle()
    pg = servers.PgwireServer(os.path.abspath(args.bin))
    oracle.start()
    pg.start()
    try:
        for server in (oracle, pg):
            catalogdb.create(server)
            with clients.connect(server, dbname=catalogdb.DBNAME) as c:
                for i in range(args.tables):
                    c.execute(f"create table extra_{i} (id serial primary key, name text not null, "
                              f"at timestamptz default now(), n numeric(10,2) check (n > 0))")
        # a fresh server process for the store costs: restart so nothing is built yet
        pg.restart()
        print(f"load average {os.getloadavg()[0]:.1f}")
        print("\niris-pgwire catalog store")
        for what, t, rss in store_costs(pg, args.tables):
            print(f"  {what:<72} {t:8.2f} ms   RSS {rss / 1024:6.1f} MB")
        print("\ncatalog queries (median)            PostgreSQL 15   iris-pgwire")
        a, b = query_medians(oracle, args.rounds), query_medians(pg, args.rounds)
        for name in a:
            print(f"  {name:<34} {a[name]:9.2f} ms {b[name]:9.2f} ms")
    finally:
        pg.cleanup()
        oracle.cleanup()


if __name__ == "__main__":
    main()
