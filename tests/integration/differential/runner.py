"""The differential SQL suite: the same statements on real PostgreSQL 15 and on iris-pgwire.

Job: run every statement of tests/integration/differential/cases/*.sql on both servers, in
order, each case file in a fresh database of its own on each server, and compare what comes
back: column names, type OIDs, values as text, command tags and SQLSTATEs.  The match rate
is printed; every mismatch must be listed, with its reason, in docs/differences.md.

Case files: statements end with ';' at the end of a line; lines starting with '--' are
comments.  A comment line '-- @unordered' before a statement compares its rows as a
multiset; '-- @shape' compares only columns, types, tag and row count (values that differ by
nature: now(), random()).

Ids: "<file stem>:<first 8 hex of sha1 of the statement with white space collapsed>", so
that editing other statements never renames one.

Used by: test_differential.py (pytest, with the pg_oracle and pgwire_server fixtures) and
by hand:  runner.py --oracle HOST:PORT --pgwire HOST:PORT [--case strings] [-v]
"""

import argparse
import glob
import hashlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import psycopg  # noqa: E402

from pgharness import clients  # noqa: E402

CASES = os.path.join(HERE, "cases")
DIFFERENCES = os.path.join(HERE, "..", "..", "..", "docs", "differences.md")


class Statement:
    def __init__(self, case, sql, line, unordered=False, shape=False):
        self.case = case
        self.sql = sql
        self.line = line
        self.unordered = unordered
        self.shape = shape
        digest = hashlib.sha1(" ".join(sql.split()).encode()).hexdigest()[:8]
        self.id = f"{case}:{digest}"


def parse_case(path):
    """The statements of one case file, in order."""
    case = os.path.splitext(os.path.basename(path))[0]
    out, buf, start = [], [], None
    flags = set()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            stripped = line.strip()
            if not buf and (not stripped or stripped.startswith("--")):
                if stripped.startswith("-- @"):
                    flags.update(stripped[4:].split())
                continue
            if not buf:
                start = lineno
            buf.append(line.rstrip("\n"))
            if stripped.endswith(";"):
                sql = "\n".join(buf).strip()
                sql = sql[:-1].rstrip()
                out.append(Statement(case, sql, start, "unordered" in flags, "shape" in flags))
                buf, flags = [], set()
    if buf:
        raise ValueError(f"{path}: statement at line {start} does not end with ';'")
    return out


def case_files(only=None):
    paths = sorted(glob.glob(os.path.join(CASES, "*.sql")))
    if only:
        paths = [p for p in paths if os.path.splitext(os.path.basename(p))[0] in only]
    return paths


def known_differences(path=DIFFERENCES):
    """Ids listed in docs/differences.md (table rows starting with | `id` |)."""
    ids = {}
    if not os.path.exists(path):
        return ids
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\|\s*`([a-z0-9_]+:[0-9a-f]{8})`\s*\|(.*)\|\s*(.*?)\s*\|\s*$", line)
            if m:
                ids[m.group(1)] = m.group(3)
    return ids


def compare(st, expected, actual):
    """Differences between the oracle's results and ours for one statement."""
    if st.shape:
        e = [clients.Result(r.columns, r.types, [None] * len(r.rows), r.tag, r.sqlstate) for r in expected]
        a = [clients.Result(r.columns, r.types, [None] * len(r.rows), r.tag, r.sqlstate) for r in actual]
        return clients.diff_results(e, a)
    return clients.diff_results(expected, actual, ordered=not st.unordered)


def _admin(conn, sql):
    try:
        conn.execute(sql)
    except psycopg.Error:
        pass


def run_case(path, oracle_dsn, pgwire_dsn, admin_oracle, admin_pgwire, log=None):
    """Run one case file; returns a list of (Statement, diffs, expected, actual)."""
    statements = parse_case(path)
    db = "diff_" + os.path.splitext(os.path.basename(path))[0]
    for admin in (admin_oracle, admin_pgwire):
        _admin(admin, f"drop database if exists {db}")
        admin.execute(f"create database {db}")
    results = []
    with psycopg.connect(oracle_dsn(db), autocommit=True) as oc, \
            psycopg.connect(pgwire_dsn(db), autocommit=True) as pc:
        for st in statements:
            expected = clients.capture(oc, st.sql)
            actual = clients.capture(pc, st.sql)
            # A statement that failed inside a transaction block leaves both sessions in
            # whatever state their servers chose; end it so the next statement starts clean.
            for conn in (oc, pc):
                if conn.pgconn.transaction_status == psycopg.pq.TransactionStatus.INERROR:
                    clients.capture(conn, "rollback")
            diffs = compare(st, expected, actual)
            results.append((st, diffs, expected, actual))
            if log and diffs:
                log(f"MISMATCH {st.id} (line {st.line}): {st.sql}\n  " + "\n  ".join(diffs))
    for admin in (admin_oracle, admin_pgwire):
        _admin(admin, f"drop database if exists {db}")
    return results


def run_all(oracle, pgwire, only=None, log=None):
    """oracle, pgwire: objects with dsn(dbname) (pgharness servers or Endpoint below)."""
    results = []
    with psycopg.connect(oracle.dsn(), autocommit=True) as ao, psycopg.connect(pgwire.dsn(), autocommit=True) as ap:
        for path in case_files(only):
            results += run_case(path, oracle.dsn, pgwire.dsn, ao, ap, log)
    return results


def summary(results, known):
    total = len(results)
    mismatched = [r for r in results if r[1]]
    matched = total - len(mismatched)
    undocumented = [r for r in mismatched if r[0].id not in known]
    fixed = sorted(set(known) - {r[0].id for r in mismatched} & {r[0].id for r in results})
    return total, matched, mismatched, undocumented, fixed


class Endpoint:
    def __init__(self, hostport, user="postgres"):
        self.host, port = hostport.rsplit(":", 1)
        self.port = int(port)
        self.user = user

    def dsn(self, dbname=None):
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname or 'postgres'}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--oracle", required=True)
    ap.add_argument("--pgwire", required=True)
    ap.add_argument("--case", action="append")
    ap.add_argument("-v", action="store_true", help="print every mismatch")
    args = ap.parse_args()
    results = run_all(Endpoint(args.oracle), Endpoint(args.pgwire), args.case, print if args.v else None)
    known = known_differences()
    total, matched, mismatched, undocumented, fixed = summary(results, known)
    print(f"differential: {matched}/{total} statements match ({100.0 * matched / max(total, 1):.1f}%), "
          f"{len(mismatched)} known or new mismatches, {len(undocumented)} undocumented")
    for st, diffs, _, _ in undocumented:
        print(f"  undocumented {st.id} (line {st.line}): {' '.join(st.sql.split())[:120]}")
    for i in fixed:
        print(f"  now matching (remove from docs/differences.md): {i}")
    return 1 if undocumented else 0


if __name__ == "__main__":
    sys.exit(main())
