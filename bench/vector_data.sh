#!/bin/sh
# Generates the vector benchmark sets (bench/vector.md) into bench/data/ (git-ignored):
#   bench/vector_data.sh          sets A and B (100 000 x 128, 100 000 x 768; 1 000 queries each)
#   bench/vector_data.sh A B C    any of them (C: 1 000 000 x 128, about 520 MB)
# gen-vectors is bit-exact on any IEEE-754 machine; the Makefile builds it without FMA
# contraction for that reason.  Existing files are kept.
set -e
cd "$(dirname "$0")/.."
make --no-print-directory build/bench/gen-vectors >/dev/null
gen=build/bench/gen-vectors
mkdir -p bench/data
[ $# -gt 0 ] || set -- A B
for set in "$@"; do
    case $set in
        A) d=128; n=100000; c=100 ;;
        B) d=768; n=100000; c=100 ;;
        C) d=128; n=1000000; c=1000 ;;
        *) echo "unknown set $set (A, B or C)" >&2; exit 2 ;;
    esac
    [ -f bench/data/${set}_base.fvecs ] || $gen -d $d -n $n -c $c -o bench/data/${set}_base.fvecs
    [ -f bench/data/${set}_query.fvecs ] || $gen -d $d -n 1000 -c $c -s query -o bench/data/${set}_query.fvecs
done
