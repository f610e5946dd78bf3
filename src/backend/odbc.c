/*
 * odbc.c — the ODBC engine (IRIS and any ODBC database).  Until the implementation lands,
 * selecting backend = odbc fails at startup with a clear message instead of half-working.
 */
#include "backend/backend_internal.h"

static bool odbc_db_exists(backend *b, const char *dbname) { (void)b; (void)dbname; return false; }
static bool odbc_unavailable(pg_error *err)
{
    pg_error_set(err, "0A000", "the ODBC backend is not available in this build");
    return false;
}
static bool odbc_db_create(backend *b, const char *n, pg_error *err) { (void)b; (void)n; return odbc_unavailable(err); }
static bool odbc_db_drop(backend *b, const char *n, pg_error *err) { (void)b; (void)n; return odbc_unavailable(err); }
static bool odbc_db_list(backend *b, char ***names, size_t *count, pg_error *err)
{
    (void)b; (void)names; (void)count;
    return odbc_unavailable(err);
}

const backend_ops odbc_backend_ops = {
    .name = "odbc",
    .db_exists = odbc_db_exists,
    .db_create = odbc_db_create,
    .db_drop = odbc_db_drop,
    .db_list = odbc_db_list,
};
