/*
 * fuzz_sql.c — libFuzzer target for the SQL layer: arbitrary statement text through
 * PostgreSQL's parser, the analyser and the SQLite emitter, then executed (each statement
 * bounded by statement_timeout) in a throw-away database.  Any crash, leak or sanitizer
 * report is a bug; errors are the expected outcome for most inputs.
 */
#include "backend/backend.h"
#include "sql/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static backend *engine;
static sql_server *server;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static char dir[] = "/tmp/pgwire-fuzz-sql-XXXXXX";
    if (!mkdtemp(dir))
        abort();
    backend_config bc = {.kind = BACKEND_SQLITE, .data_directory = dir, .dialect = DIALECT_SQLITE,
                         .pool_size = 2, .synchronous_commit = false};
    pg_error err = {0};
    if (!backend_create(&bc, &engine, &err))
        abort();
    sql_server_config sc = {.plan_cache_entries = 64, .default_timezone = "UTC"};
    char *names[] = {"statement_timeout"};
    char *values[] = {"200"};
    if (!sql_server_create(engine, &sc, &server, &err) || !sql_server_set_session_defaults(server, 1, names, values, &err))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    sql_startup st = {.user = "postgres", .database = "postgres", .backend_pid = 1};
    sql_session *s = NULL;
    pg_error err = {0};
    if (!sql_session_create(server, &st, &s, &err)) {
        pg_error_clear(&err);
        free(text);
        return 0;
    }
    sql_span *spans = NULL;
    int n = 0;
    if (sql_split(s, text, &spans, &n, &err)) {
        for (int i = 0; i < n && i < 8; i++) {
            sql_plan *p = NULL;
            if (!sql_plan_create(s, text + spans[i].offset, (size_t)spans[i].length, spans[i].offset, NULL, 0, &p, &err)) {
                pg_error_clear(&err);
                sql_session_abort_statement(s);
                continue;
            }
            sql_portal *portal = NULL;
            int nparams = sql_plan_param_count(p);
            sql_value params[16];
            for (int k = 0; k < 16; k++)
                params[k] = value_null();
            if (nparams <= 16 && sql_portal_create(s, p, params, nparams, &portal, &err)) {
                int rows = 0;
                sql_run_status r;
                while ((r = sql_portal_next(portal, &err)) == SQL_RUN_ROW && rows++ < 1000)
                    ;
                if (r == SQL_RUN_ERROR)
                    sql_session_abort_statement(s);
                sql_portal_close(portal);
            }
            pg_error_clear(&err);
            sql_plan_unref(p);
        }
        free(spans);
    }
    pg_error_clear(&err);
    pg_error ignore = {0};
    if (!sql_session_end_implicit_transaction(s, SQL_TXN_END_ROLLBACK, &ignore))
        pg_error_clear(&ignore);
    sql_session_destroy(s);
    free(text);
    return 0;
}
