/*
 * sqlite_fn_json.c — json/jsonb operators and functions.
 */
#include "backend/sqlite_internal.h"

int sqlite_register_json(sqlite3 *db, engine_conn *c)
{
    (void)db;
    (void)c;
    return SQLITE_OK;
}
