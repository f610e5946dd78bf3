/*
 * unit.h — the unit-test harness: one executable per test file, each test a function
 * registered in main() with RUN(test).  A failed CHECK reports file:line and the test
 * carries on; the executable exits non-zero if anything failed.  tests/run-unit.sh runs them
 * all and prints the closing "N passed, N failed" line.
 */
#ifndef PGWIRE_UNIT_H
#define PGWIRE_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failures_in_test;
static int unit_tests_passed, unit_tests_failed;
static const char *unit_current_test;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "  %s:%d: %s: CHECK failed: %s\n", __FILE__, __LINE__,    \
                    unit_current_test, #cond);                                        \
            unit_failures_in_test++;                                                  \
        }                                                                             \
    } while (0)

#define CHECK_STR(actual, expected)                                                   \
    do {                                                                              \
        const char *a_ = (actual), *e_ = (expected);                                  \
        if (!a_ || !e_ || strcmp(a_, e_) != 0) {                                      \
            fprintf(stderr, "  %s:%d: %s: got \"%s\", expected \"%s\"\n", __FILE__,   \
                    __LINE__, unit_current_test, a_ ? a_ : "(null)", e_ ? e_ : "(null)"); \
            unit_failures_in_test++;                                                  \
        }                                                                             \
    } while (0)

#define CHECK_INT(actual, expected)                                                   \
    do {                                                                              \
        long long a_ = (long long)(actual), e_ = (long long)(expected);               \
        if (a_ != e_) {                                                               \
            fprintf(stderr, "  %s:%d: %s: got %lld, expected %lld (%s)\n", __FILE__,  \
                    __LINE__, unit_current_test, a_, e_, #actual);                    \
            unit_failures_in_test++;                                                  \
        }                                                                             \
    } while (0)

#define RUN(test)                                                                     \
    do {                                                                              \
        unit_current_test = #test;                                                    \
        unit_failures_in_test = 0;                                                    \
        test();                                                                       \
        if (unit_failures_in_test)                                                    \
            unit_tests_failed++;                                                      \
        else                                                                          \
            unit_tests_passed++;                                                      \
    } while (0)

/* Last line of every test executable; run-unit.sh adds them up. */
#define UNIT_DONE()                                                                   \
    (printf("%d passed, %d failed\n", unit_tests_passed, unit_tests_failed),          \
     unit_tests_failed ? 1 : 0)

#endif
