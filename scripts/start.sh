#!/bin/sh
# The README's start command: install what is needed, build, and start the server on its
# defaults (data in ./data, 127.0.0.1:5432 and /tmp/.s.PGSQL.5432).  Extra arguments are
# passed to the server (e.g. -p 5433).
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh --build
make -j"$(nproc)" all
exec ./build/iris-pgwire "$@"
