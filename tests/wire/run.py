#!/usr/bin/python3
"""Replay wire scripts (tests/wire/*.wire) against a server, outside pytest.

    tests/wire/run.py                          # every script, against a fresh real PostgreSQL 15
    tests/wire/run.py --target pgwire          # against $PGWIRE_BIN (or --bin PATH)
    tests/wire/run.py --target 127.0.0.1:5432 --user postgres tests/wire/simple_*.wire
    tests/wire/run.py -v tests/wire/startup_v30.wire   # print every message sent and received

Exit status: 0 if every script passed (known differences may fail), 1 otherwise.
The language is documented in docs/testing.md; the pytest entry point is
tests/integration/test_wire_scripts.py, which runs every script against both targets.
"""

import argparse
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from pgharness import servers, wirerunner, wirescript  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scripts", nargs="*", help="script files (default: tests/wire/*.wire)")
    ap.add_argument("--target", default="oracle",
                    help="oracle (start a PostgreSQL 15), pgwire (start $PGWIRE_BIN), "
                         "or HOST:PORT of a running server")
    ap.add_argument("--bin", default=os.environ.get("PGWIRE_BIN"), help="iris-pgwire binary")
    ap.add_argument("--socket-dir", help="Unix socket directory of a HOST:PORT server")
    ap.add_argument("--user", default="postgres")
    ap.add_argument("--dbname", default="postgres")
    ap.add_argument("--as", dest="as_target", choices=("oracle", "pgwire"),
                    help="which target a HOST:PORT server counts as for only/known-difference "
                         "(default: pgwire)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the traffic")
    args = ap.parse_args()

    paths = args.scripts or sorted(glob.glob(os.path.join(HERE, "*.wire")))
    server = None
    if args.target == "oracle":
        server = servers.PgOracle().start()
        target = server
    elif args.target == "pgwire":
        if not args.bin:
            ap.error("--target pgwire needs --bin or PGWIRE_BIN")
        server = servers.PgwireServer(os.path.abspath(args.bin)).start()
        target = server
    else:
        host, _, port = args.target.rpartition(":")
        sock = os.path.join(args.socket_dir, f".s.PGSQL.{port}") if args.socket_dir else None
        target = wirerunner.Target(args.as_target or "pgwire", host or "127.0.0.1", int(port),
                                   args.user, args.dbname, sock)
    target_name = args.as_target or ("oracle" if args.target == "oracle" else "pgwire")

    trace = (lambda line: print("    " + line)) if args.verbose else None
    failed = 0
    try:
        for path in paths:
            script = wirescript.Script(path)
            label = f"{script.name:40s}"
            if script.only and target_name not in script.only:
                print(f"{label} SKIP (only {', '.join(sorted(script.only))})")
                continue
            note = script.differences.get(target_name)
            if args.verbose:
                print(f"{label} ...")
            try:
                wirerunner.run_script(script, target, trace)
            except wirerunner.WireScriptFailure as e:
                if note:
                    print(f"{label} XFAIL ({note})")
                    continue
                failed += 1
                print(f"{label} FAIL\n{e}")
                if server is not None:
                    print("  server log (tail):\n" + "\n".join(
                        "    " + x for x in server.log_tail(15).splitlines()))
                continue
            print(f"{label} {'XPASS' if note else 'ok'}")
    finally:
        if server is not None:
            server.cleanup()
    print(f"{len(paths) - failed}/{len(paths)} scripts passed or skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
