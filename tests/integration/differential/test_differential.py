"""The differential suite as a test: every statement of cases/*.sql on real PostgreSQL 15
(the pg_oracle fixture) and on iris-pgwire, compared by runner.py.

Fails when
  - a statement mismatches that docs/differences.md does not list (with its reason),
  - the match rate falls under MIN_RATE,
  - a listed difference now matches (the list must stay exact: remove it),
  - the suite shrank (fewer than MIN_STATEMENTS statements ran).
The match rate and every mismatch are printed (pytest -s shows them; they are also in the
failure message).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import runner  # noqa: E402

MIN_RATE = 95.0
MIN_STATEMENTS = 880


def test_differential(pg_oracle, pgwire_server):
    lines = []
    results = runner.run_all(pg_oracle, pgwire_server, log=lines.append)
    known = runner.known_differences()
    total, matched, mismatched, undocumented, fixed = runner.summary(results, known)
    rate = 100.0 * matched / max(total, 1)
    report = [f"differential: {matched}/{total} statements match ({rate:.1f}%), "
              f"{len(mismatched)} mismatches ({len(mismatched) - len(undocumented)} listed in docs/differences.md)"]
    report += lines
    for st, _, _, _ in undocumented:
        report.append(f"UNDOCUMENTED {st.id} ({st.case}.sql line {st.line}): {' '.join(st.sql.split())[:160]}")
    for i in fixed:
        report.append(f"NOW MATCHING, remove from docs/differences.md: {i}")
    text = "\n".join(report)
    print(text)
    assert total >= MIN_STATEMENTS, f"only {total} statements ran\n{text}"
    assert not undocumented, f"{len(undocumented)} mismatches not in docs/differences.md\n{text}"
    assert not fixed, f"listed differences that now match\n{text}"
    assert rate >= MIN_RATE, f"match rate {rate:.1f}% < {MIN_RATE}%\n{text}"
