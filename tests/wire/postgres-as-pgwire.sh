#!/bin/sh
# A stand-in for iris-pgwire that runs the real PostgreSQL 15 behind iris-pgwire's command
# line (-D DATADIR -p PORT -h HOST -k SOCKET_DIR [-c name=value ...]), so that the pgwire
# side of the harness can be checked before the server exists, or to tell a harness bug
# from a server bug:
#     PGWIRE_BIN=$PWD/tests/wire/postgres-as-pgwire.sh /usr/bin/python3 -m pytest -q \
#         -p no:cacheprovider tests/integration
# Every test must pass with it (apart from tests of iris-pgwire's own features).
# It execs postgres in the end (through setpriv when root), so the PID the harness
# signals is the postmaster's.
set -e
BIN=${PG_ORACLE_BINDIR:-/usr/lib/postgresql/15/bin}
datadir=
prev=
for a in "$@"; do
    [ "$prev" = "-D" ] && datadir=$a
    prev=$a
done
[ -n "$datadir" ] || { echo "postgres-as-pgwire: -D DATADIR is required" >&2; exit 2; }
mkdir -p "$datadir"
if [ "$(id -u)" = 0 ]; then
    chmod 755 "$(dirname "$datadir")"
    chown postgres: "$datadir"
    # the socket directory is the argument after -k
    prev=
    for a in "$@"; do [ "$prev" = "-k" ] && chown postgres: "$a"; prev=$a; done
    as_pg="setpriv --reuid=postgres --regid=postgres --init-groups"
else
    as_pg=
fi
if [ ! -f "$datadir/PG_VERSION" ]; then
    $as_pg "$BIN/initdb" -D "$datadir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 -N \
        >/dev/null
fi
cd "$datadir"
exec $as_pg "$BIN/postgres" -c fsync=off "$@"
