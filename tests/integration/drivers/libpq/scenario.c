/*
 * The driver scenario through libpq (libpq-dev), run by test_libpq.py against PostgreSQL 15
 * and iris-pgwire: typed round trips in text and binary (PQexecParams), command tags and
 * row counts, pipeline mode (PQenterPipelineMode) with an error in the middle of a
 * pipeline, 10 000 rows read in pages (DECLARE/FETCH) and row by row (single-row mode),
 * transactions.  Usage: scenario <conninfo>; one line per step, exit status 1 on failure.
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            failures++;                                    \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);    \
            printf(__VA_ARGS__);                           \
            printf("\n");                                  \
        }                                                  \
    } while (0)

static PGresult *run(PGconn *c, const char *sql, ExecStatusType want)
{
    PGresult *r = PQexec(c, sql);
    CHECK(PQresultStatus(r) == want, "%s: %s %s", sql, PQresStatus(PQresultStatus(r)), PQresultErrorMessage(r));
    return r;
}

static void exec_ok(PGconn *c, const char *sql)
{
    PQclear(run(c, sql, PGRES_COMMAND_OK));
}

static const char *sqlstate(const PGresult *r)
{
    const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    return s ? s : "";
}

/* Text round trip: each value inserted as an untyped text parameter and read back as text. */
static void round_trip(PGconn *c)
{
    static const struct { const char *col, *type, *value; } cols[] = {
        {"b", "bool", "t"}, {"i2", "int2", "-32768"}, {"i4", "int4", "2147483647"},
        {"i8", "int8", "-9223372036854775808"}, {"f4", "float4", "1.5"}, {"f8", "float8", "0.1"},
        {"n", "numeric", "-12345.678900"}, {"t", "text", "é€😀 unicode"}, {"vc", "varchar(20)", "varchar"},
        {"bp", "char(5)", "ab   "}, {"nm", "name", "a_name"}, {"by", "bytea", "\\x0001ff00"},
        {"d", "date", "2020-02-29"}, {"tm", "time", "12:34:56.789"}, {"ts", "timestamp", "2020-01-01 12:34:56.789"},
        {"tz", "timestamptz", "2020-01-01 12:34:56.123456+00"}, {"iv", "interval", "1 mon 3 days 04:05:06.5"},
        {"u", "uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}, {"j", "json", "{\"a\": [1, 2]}"},
        {"jb", "jsonb", "{\"b\": \"é\"}"}, {"o", "oid", "4000000000"}, {"ai", "int4[]", "{1,NULL,3}"},
        {"at", "text[]", "{a,\"b c\",NULL,\"\",\"é\\\"\\\\\"}"}, {"an", "numeric[]", "{1.5,-0.001}"},
        {"ad", "date[]", "{2020-01-01}"}, {"aby", "bytea[]", "{\"\\\\x0001\",NULL}"},
    };
    enum { N = sizeof cols / sizeof cols[0] };
    char sql[4096];
    exec_ok(c, "drop table if exists drv_libpq_t");
    int n = snprintf(sql, sizeof sql, "create table drv_libpq_t (id int primary key");
    for (int i = 0; i < N; i++)
        n += snprintf(sql + n, sizeof sql - (size_t)n, ", %s %s", cols[i].col, cols[i].type);
    snprintf(sql + n, sizeof sql - (size_t)n, ")");
    exec_ok(c, sql);

    n = snprintf(sql, sizeof sql, "insert into drv_libpq_t values ($1");
    for (int i = 0; i < N; i++)
        n += snprintf(sql + n, sizeof sql - (size_t)n, ", $%d", i + 2);
    snprintf(sql + n, sizeof sql - (size_t)n, ")");
    const char *values[N + 1];
    values[0] = "1";
    for (int i = 0; i < N; i++)
        values[i + 1] = cols[i].value;
    PGresult *r = PQexecParams(c, sql, N + 1, NULL, values, NULL, NULL, 0);
    CHECK(PQresultStatus(r) == PGRES_COMMAND_OK, "insert: %s", PQresultErrorMessage(r));
    CHECK(strcmp(PQcmdStatus(r), "INSERT 0 1") == 0 && strcmp(PQcmdTuples(r), "1") == 0, "tag %s", PQcmdStatus(r));
    PQclear(r);
    const char *two[] = {"2"};
    PQclear(PQexecParams(c, "insert into drv_libpq_t (id) values ($1)", 1, NULL, two, NULL, NULL, 0));

    n = snprintf(sql, sizeof sql, "select ");
    for (int i = 0; i < N; i++)
        n += snprintf(sql + n, sizeof sql - (size_t)n, "%s%s", i ? ", " : "", cols[i].col);
    snprintf(sql + n, sizeof sql - (size_t)n, " from drv_libpq_t where id = $1");
    const char *one[] = {"1"};
    r = PQexecParams(c, sql, 1, NULL, one, NULL, NULL, 0);
    CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, "select: %s", PQresultErrorMessage(r));
    for (int i = 0; i < N && PQntuples(r) == 1; i++)
        CHECK(strcmp(PQgetvalue(r, 0, i), cols[i].value) == 0, "%s: sent %s got %s", cols[i].col, cols[i].value,
              PQgetvalue(r, 0, i));
    PQclear(r);
    r = PQexecParams(c, sql, 1, NULL, two, NULL, NULL, 0);
    for (int i = 0; i < N && PQntuples(r) == 1; i++)
        CHECK(PQgetisnull(r, 0, i), "%s not NULL", cols[i].col);
    PQclear(r);

    /* Binary: a 1 MB text and bytea with zero bytes as binary parameters, binary results. */
    size_t big_len = 1 << 20, blob_len = 5000;
    char *big = malloc(big_len), *blob = calloc(1, blob_len);
    for (size_t i = 0; i < big_len; i++)
        big[i] = "0123456789abcdef"[i % 16];
    for (size_t i = 0; i < blob_len; i += 3)
        blob[i] = (char)i;
    uint32_t id_be = __builtin_bswap32(3);
    const char *bv[] = {(const char *)&id_be, big, blob};
    int lens[] = {4, (int)big_len, (int)blob_len};
    int formats[] = {1, 1, 1};
    Oid types[] = {23, 25, 17};
    r = PQexecParams(c, "insert into drv_libpq_t (id, t, by) values ($1, $2, $3) returning id, t, by", 3, types, bv,
                     lens, formats, 1);
    CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, "binary insert: %s", PQresultErrorMessage(r));
    if (PQntuples(r) == 1) {
        CHECK(PQfformat(r, 0) == 1 && PQgetlength(r, 0, 0) == 4 && memcmp(PQgetvalue(r, 0, 0), &id_be, 4) == 0,
              "binary int4");
        CHECK(PQgetlength(r, 0, 1) == (int)big_len && memcmp(PQgetvalue(r, 0, 1), big, big_len) == 0, "1 MB text");
        CHECK(PQgetlength(r, 0, 2) == (int)blob_len && memcmp(PQgetvalue(r, 0, 2), blob, blob_len) == 0, "bytea");
    }
    PQclear(r);
    free(big);
    free(blob);
    printf("round trip ok\n");
}

static void dml(PGconn *c)
{
    exec_ok(c, "drop table if exists drv_libpq_dml");
    exec_ok(c, "create table drv_libpq_dml (id int primary key, v text)");
    for (int i = 1; i <= 5; i++) {
        char id[16], v[16];
        snprintf(id, sizeof id, "%d", i);
        snprintf(v, sizeof v, "v%d", i);
        const char *p[] = {id, v};
        PGresult *r = PQexecParams(c, "insert into drv_libpq_dml values ($1, $2)", 2, NULL, p, NULL, NULL, 0);
        CHECK(strcmp(PQcmdTuples(r), "1") == 0, "insert count %s", PQcmdTuples(r));
        PQclear(r);
    }
    const char *u[] = {"big", "2"};
    PGresult *r = PQexecParams(c, "update drv_libpq_dml set v = $1 where id > $2", 2, NULL, u, NULL, NULL, 0);
    CHECK(strcmp(PQcmdStatus(r), "UPDATE 3") == 0, "update: %s", PQcmdStatus(r));
    PQclear(r);
    const char *d[] = {"big"};
    r = PQexecParams(c, "delete from drv_libpq_dml where v = $1", 1, NULL, d, NULL, NULL, 0);
    CHECK(strcmp(PQcmdStatus(r), "DELETE 3") == 0, "delete: %s", PQcmdStatus(r));
    PQclear(r);
    printf("dml ok\n");
}

/* Read the results of one pipelined query (up to its terminating NULL). */
static ExecStatusType pipeline_result(PGconn *c, char *tag, size_t tagsize, char *state)
{
    PGresult *r = PQgetResult(c);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (tag)
        snprintf(tag, tagsize, "%s", r ? PQcmdStatus(r) : "");
    if (state)
        snprintf(state, 6, "%s", r ? sqlstate(r) : "");
    PQclear(r);
    if (st != PGRES_PIPELINE_SYNC) {
        PGresult *end = PQgetResult(c);   /* NULL ends each query's results */
        CHECK(end == NULL, "expected the end of a query's results");
        PQclear(end);
    }
    return st;
}

static void pipeline(PGconn *c)
{
    CHECK(PQenterPipelineMode(c) == 1, "enter pipeline mode");
    /* 100 inserts, a duplicate in the middle, more inserts, Sync; then a second segment. */
    for (int i = 0; i < 100; i++) {
        char id[16];
        snprintf(id, sizeof id, "%d", 1000 + (i == 50 ? 1 - 1000 : i));
        const char *p[] = {id};
        CHECK(PQsendQueryParams(c, "insert into drv_libpq_dml values ($1, 'p')", 1, NULL, p, NULL, NULL, 0) == 1,
              "send");
    }
    CHECK(PQpipelineSync(c) == 1, "sync");
    const char *p[] = {"5000"};
    PQsendQueryParams(c, "insert into drv_libpq_dml values ($1, 'after') returning id", 1, NULL, p, NULL, NULL, 0);
    PQsendQueryParams(c, "select count(*) from drv_libpq_dml", 0, NULL, NULL, NULL, NULL, 0);
    CHECK(PQpipelineSync(c) == 1, "sync 2");
    int ok = 0, aborted = 0;
    for (int i = 0; i < 100; i++) {
        char state[6];
        ExecStatusType st = pipeline_result(c, NULL, 0, state);
        if (st == PGRES_COMMAND_OK)
            ok++;
        else if (st == PGRES_FATAL_ERROR)
            CHECK(i == 50 && strcmp(state, "23505") == 0, "error at %d: %s", i, state);
        else if (st == PGRES_PIPELINE_ABORTED)
            aborted++;
    }
    CHECK(ok == 50 && aborted == 49, "segment 1: %d ok, %d aborted", ok, aborted);
    CHECK(pipeline_result(c, NULL, 0, NULL) == PGRES_PIPELINE_SYNC, "sync 1 result");
    char tag[64];
    CHECK(pipeline_result(c, tag, sizeof tag, NULL) == PGRES_TUPLES_OK && strcmp(tag, "INSERT 0 1") == 0, "after: %s", tag);
    PGresult *r = PQgetResult(c);
    CHECK(r && PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "3") == 0,
          "count after the rolled back segment: %s", r ? PQgetvalue(r, 0, 0) : "?");
    PQclear(r);
    PQclear(PQgetResult(c));
    CHECK(pipeline_result(c, NULL, 0, NULL) == PGRES_PIPELINE_SYNC, "sync 2 result");
    CHECK(PQexitPipelineMode(c) == 1, "exit pipeline mode");
    printf("pipeline ok\n");
}

static void pages(PGconn *c)
{
    const char *q = "with recursive r(i) as (select 1 union all select i + 1 from r where i < 10000) select i from r";
    char sql[512];
    exec_ok(c, "begin");
    snprintf(sql, sizeof sql, "declare drv_libpq_cur cursor for %s", q);
    exec_ok(c, sql);
    long n = 0, total = 0;
    for (;;) {
        PGresult *r = run(c, "fetch 1000 from drv_libpq_cur", PGRES_TUPLES_OK);
        int rows = PQntuples(r);
        for (int i = 0; i < rows; i++)
            total += atol(PQgetvalue(r, i, 0));
        n += rows;
        PQclear(r);
        if (!rows)
            break;
    }
    exec_ok(c, "commit");
    CHECK(n == 10000 && total == 50005000L, "pages: %ld rows, sum %ld", n, total);
    /* row by row */
    CHECK(PQsendQueryParams(c, q, 0, NULL, NULL, NULL, NULL, 0) == 1 && PQsetSingleRowMode(c) == 1, "single row mode");
    n = 0;
    PGresult *r;
    while ((r = PQgetResult(c))) {
        if (PQresultStatus(r) == PGRES_SINGLE_TUPLE)
            n++;
        else
            CHECK(PQresultStatus(r) == PGRES_TUPLES_OK, "end of single rows: %s", PQresStatus(PQresultStatus(r)));
        PQclear(r);
    }
    CHECK(n == 10000, "single rows: %ld", n);
    printf("pages ok\n");
}

static void transactions(PGconn *c)
{
    exec_ok(c, "drop table if exists drv_libpq_txn");
    exec_ok(c, "create table drv_libpq_txn (id int)");
    exec_ok(c, "begin");
    exec_ok(c, "insert into drv_libpq_txn values (1)");
    exec_ok(c, "rollback");
    exec_ok(c, "begin");
    exec_ok(c, "insert into drv_libpq_txn values (2)");
    exec_ok(c, "savepoint s1");
    exec_ok(c, "insert into drv_libpq_txn values (3)");
    exec_ok(c, "rollback to savepoint s1");
    exec_ok(c, "commit");
    PGresult *r = run(c, "select id from drv_libpq_txn", PGRES_TUPLES_OK);
    CHECK(PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "2") == 0, "committed rows");
    PQclear(r);
    exec_ok(c, "begin");
    r = run(c, "select * from no_such_table_libpq", PGRES_FATAL_ERROR);
    CHECK(strcmp(sqlstate(r), "42P01") == 0, "missing table: %s", sqlstate(r));
    PQclear(r);
    r = run(c, "select 1", PGRES_FATAL_ERROR);
    CHECK(strcmp(sqlstate(r), "25P02") == 0, "failed transaction: %s", sqlstate(r));
    CHECK(PQtransactionStatus(c) == PQTRANS_INERROR, "transaction status");
    PQclear(r);
    exec_ok(c, "rollback");
    exec_ok(c, "drop table drv_libpq_txn");
    exec_ok(c, "drop table drv_libpq_dml");
    exec_ok(c, "drop table drv_libpq_t");
    printf("transactions ok\n");
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    PGconn *c = PQconnectdb(argv[1]);
    if (PQstatus(c) != CONNECTION_OK) {
        printf("FAIL connect: %s", PQerrorMessage(c));
        return 1;
    }
    round_trip(c);
    dml(c);
    pipeline(c);
    pages(c);
    transactions(c);
    PQfinish(c);
    if (failures) {
        printf("scenario failed: %d\n", failures);
        return 1;
    }
    printf("scenario ok\n");
    return 0;
}
