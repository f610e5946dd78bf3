#!/bin/sh
# The README's test command: install what is needed, build, run every test.
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh
make -j"$(nproc)" all
make test
