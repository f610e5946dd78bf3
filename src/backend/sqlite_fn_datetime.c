/*
 * sqlite_fn_datetime.c — date/time functions and arithmetic on the storage forms (µs, days, interval text).
 */
#include "backend/sqlite_internal.h"

int sqlite_register_datetime(sqlite3 *db, engine_conn *c)
{
    (void)db;
    (void)c;
    return SQLITE_OK;
}
