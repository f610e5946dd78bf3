/*
 * parse_api.c — the cost of libpg_query's two tree APIs on a short query and on psql's
 * \d catalog query: the measurement behind docs/parser.md.  Prints the median of 7 runs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg_query.h"

typedef struct { void *tree; char *stderr_buffer; void *error; } raw_result;
extern raw_result pg_query_raw_parse(const char *input);
extern void *pg_query_enter_memory_context(void);
extern void pg_query_exit_memory_context(void *ctx);

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return v[n / 2];
}

static void measure(const char *label, const char *q, int iterations)
{
    double raw[7], proto[7];
    for (int run = 0; run < 7; run++) {
        double t0 = now_us();
        for (int i = 0; i < iterations; i++) {
            void *ctx = pg_query_enter_memory_context();
            raw_result r = pg_query_raw_parse(q);
            if (r.error) {
                fprintf(stderr, "parse error\n");
                exit(1);
            }
            free(r.stderr_buffer);
            pg_query_exit_memory_context(ctx);
        }
        raw[run] = (now_us() - t0) / iterations;
        t0 = now_us();
        for (int i = 0; i < iterations; i++) {
            PgQueryProtobufParseResult r = pg_query_parse_protobuf(q);
            pg_query_free_protobuf_parse_result(r);
        }
        proto[run] = (now_us() - t0) / iterations;
    }
    printf("%-28s raw %7.2f us   protobuf %7.2f us   ratio %.1fx\n", label, median(raw, 7), median(proto, 7),
           median(proto, 7) / median(raw, 7));
}

int main(void)
{
    measure("short query", "SELECT abalance FROM pgbench_accounts WHERE aid = 12345", 20000);
    measure("psql \\d catalog query",
            "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE c.relname OPERATOR(pg_catalog.~) '^(foo)$' COLLATE pg_catalog.default "
            "AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3;",
            5000);
    return 0;
}
