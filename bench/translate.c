/*
 * translate.c — what the SQL layer costs per statement: sql_plan_create (parse, analyse,
 * emit SQLite SQL, build the plan) uncached and cached, in-process, on an embedded SQLite
 * database.  Each sample is one call; the report gives the median and the 99th percentile.
 *
 *   make build/bench/translate && build/bench/translate [samples]
 *
 * Uncached: the text differs by a comment each time (same parse work, a cache miss).
 * Cached: the same text, a hit (the plan is shared, one reference taken and dropped).
 * Queries: a short OLTP statement with a parameter, psql's \d catalog query (needs the
 * pg_catalog relations of issue 5's catalog; reported as not measured without them), and a
 * query of the same shape over user tables.
 */
#include "sql/sql_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static bool exec_sql(sql_session *s, const char *sql)
{
    pg_error err = {0};
    sql_plan *p = NULL;
    sql_portal *portal = NULL;
    bool ok = sql_plan_create(s, sql, strlen(sql), 0, NULL, 0, &p, &err) &&
              sql_portal_create(s, p, NULL, 0, &portal, &err);
    sql_run_status r = SQL_RUN_ERROR;
    while (ok && (r = sql_portal_next(portal, &err)) == SQL_RUN_ROW)
        ;
    ok = ok && r == SQL_RUN_DONE;
    if (!ok)
        fprintf(stderr, "setup: %s: %s\n", sql, err.message ? err.message : "?");
    sql_portal_close(portal);
    if (p)
        sql_plan_unref(p);
    pg_error_clear(&err);
    return ok;
}

/* One translation; false (with the message printed once) when it fails. */
static bool translate(sql_session *s, const char *text, size_t len, const pg_oid *types, int ntypes, double *ns)
{
    pg_error err = {0};
    sql_plan *p = NULL;
    double t0 = now_ns();
    bool ok = sql_plan_create(s, text, len, 0, types, ntypes, &p, &err);
    if (ok)
        sql_plan_unref(p);
    *ns = now_ns() - t0;
    if (!ok)
        printf("    not measured: %s %s\n", err.sqlstate, err.message ? err.message : "");
    pg_error_clear(&err);
    return ok;
}

static void report(const char *label, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    printf("  %-10s median %8.2f us   p99 %8.2f us   (%d samples)\n", label, v[n / 2] / 1000.0,
           v[(int)((double)n * 0.99)] / 1000.0, n);
}

static void measure(sql_session *s, const char *label, const char *query, const pg_oid *types, int ntypes, int samples)
{
    printf("%s\n  %s\n", label, query);
    double *v = calloc((size_t)samples, sizeof *v);
    size_t qlen = strlen(query);
    char *buf = malloc(qlen + 32);
    if (!v || !buf) {
        free(v);
        free(buf);
        return;
    }
    /* warm-up: the catalog snapshot, the first plan */
    double ns;
    if (!translate(s, query, qlen, types, ntypes, &ns)) {
        free(v);
        free(buf);
        return;
    }
    for (int i = 0; i < samples; i++) {
        int n = snprintf(buf, qlen + 32, "%s /*%08d*/", query, i);
        if (!translate(s, buf, (size_t)n, types, ntypes, &v[i]))
            break;
    }
    report("uncached", v, samples);
    for (int i = 0; i < samples; i++)
        translate(s, query, qlen, types, ntypes, &v[i]);
    report("cached", v, samples);
    free(v);
    free(buf);
}

int main(int argc, char **argv)
{
    int samples = argc > 1 ? atoi(argv[1]) : 20000;
    if (samples < 100)
        samples = 100;
    char dir[] = "/tmp/pgwire-bench-translate-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    pg_error err = {0};
    backend_config bc = {.kind = BACKEND_SQLITE, .data_directory = dir, .dialect = DIALECT_SQLITE, .pool_size = 2,
                         .public_schema = ""};
    /* a small cache: uncached variants evict each other (as a server's steady state does),
     * the repeated text stays in it */
    sql_server_config sc = {.plan_cache_entries = 64, .default_timezone = "UTC"};
    sql_startup st = {.user = "postgres", .database = "postgres", .backend_pid = 1};
    backend *b = NULL;
    sql_server *srv = NULL;
    sql_session *s = NULL;
    if (!backend_create(&bc, &b, &err) || !sql_server_create(b, &sc, &srv, &err) || !sql_session_create(srv, &st, &s, &err)) {
        fprintf(stderr, "setup: %s\n", err.message ? err.message : "?");
        return 1;
    }
    static const char *const schema[] = {
        "CREATE TABLE pgbench_accounts (aid integer PRIMARY KEY, bid integer, abalance integer, filler char(84))",
        "CREATE TABLE items (id serial PRIMARY KEY, name varchar(40) NOT NULL, price numeric(10,2), owner integer)",
        "CREATE TABLE owners (oid integer PRIMARY KEY, nspname text NOT NULL)",
    };
    for (size_t i = 0; i < sizeof schema / sizeof *schema; i++)
        if (!exec_sql(s, schema[i]))
            return 1;
    printf("sql_plan_create: parse + analyse + emit + plan, in-process, SQLite dialect\n\n");
    pg_oid int4 = PG_OID_INT4;
    measure(s, "short query (extended protocol, one parameter):", "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
            &int4, 1, samples);
    measure(s, "psql \\d catalog query:",
            "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE c.relname OPERATOR(pg_catalog.~) '^(items)$' COLLATE pg_catalog.default "
            "AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3",
            NULL, 0, samples);
    measure(s, "the same shape over user tables (join, regex operator, ORDER BY):",
            "SELECT i.id, o.nspname, i.name FROM items i LEFT JOIN owners o ON o.oid = i.owner "
            "WHERE i.name OPERATOR(pg_catalog.~) '^(items)$' COLLATE pg_catalog.default AND i.price > 0 ORDER BY 2, 3",
            NULL, 0, samples);
    sql_session_disconnect(s);
    sql_session_destroy(s);
    sql_server_destroy(srv);
    backend_destroy(b);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return 0;
}
