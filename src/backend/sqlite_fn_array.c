/*
 * sqlite_fn_array.c — array functions over the JSON storage form of arrays.
 */
#include "backend/sqlite_internal.h"

int sqlite_register_array(sqlite3 *db, engine_conn *c)
{
    (void)db;
    (void)c;
    return SQLITE_OK;
}
