#!/bin/sh
# Runs every unit-test executable given as arguments and prints one closing line
# "unit: N passed, N failed".  Exit status is non-zero if any test failed or crashed.
passed=0; failed=0; status=0
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    line=$(printf '%s\n' "$out" | tail -n 1)
    p=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then p=0; f=1; fi
    if [ $rc -ne 0 ] || [ "$f" != 0 ]; then
        status=1
        printf '%s\n' "$out" | sed "s|^|$(basename "$t"): |"
        [ "$f" = 0 ] && f=1
    fi
    passed=$((passed + p)); failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
exit $status
