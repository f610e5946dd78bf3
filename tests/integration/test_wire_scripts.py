"""Every wire script in tests/wire/*.wire, against the oracle and against iris-pgwire.

A script marked `only oracle` is skipped for pgwire (and the other way round); a script
with `known-difference pgwire "note"` is expected to fail there (xfail, not strict, so a
fix shows up as XPASS).  Run a subset with e.g.
    pytest tests/integration/test_wire_scripts.py -k "extended and oracle"
"""

import glob
import os

import pytest

from pgharness import wirerunner, wirescript

WIRE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "wire")
SCRIPTS = sorted(glob.glob(os.path.join(WIRE_DIR, "*.wire")))


def _cases():
    for path in SCRIPTS:
        script = wirescript.Script(path)      # a syntax error fails collection, loudly
        for target in ("oracle", "pgwire"):
            marks = []
            if script.only and target not in script.only:
                marks.append(pytest.mark.skip(
                    reason=f"only {', '.join(sorted(script.only))}"
                           + (f": {script.only_reason}" if script.only_reason else "")))
            note = script.differences.get(target)
            if note:
                marks.append(pytest.mark.xfail(reason=f"known difference: {note}",
                                               strict=False))
            yield pytest.param(script, target, id=f"{script.name}-{target}", marks=marks)


@pytest.mark.parametrize("script,target_name", list(_cases()))
def test_wire_script(script, target_name, request):
    server = request.getfixturevalue("pg_oracle" if target_name == "oracle"
                                     else "pgwire_server")
    if not server.running():          # an earlier test stopped or crashed it
        server.proc = None
        server.start()
    failure = None
    try:
        wirerunner.run_script(script, server)
    except wirerunner.WireScriptFailure as e:
        failure = str(e)
    if not server.running():
        # The script brought the server down: that is this script's failure, and the
        # next scripts get a restarted server (same data directory) instead of a cascade.
        status = server.proc.returncode if server.proc else None
        log = server.log_tail(30)
        server.proc = None
        server.start()
        pytest.fail(f"{server.name} exited (status {status}) during {script.name}"
                    + (f"\n{failure}" if failure else "") + f"\n--- its log ---\n{log}",
                    pytrace=False)
    if failure:
        pytest.fail(f"{failure}\n  {server.name} log (tail):\n"
                    + "\n".join("    " + x for x in server.log_tail(15).splitlines()),
                    pytrace=False)
