/*
 * sqlite_fn_catalog.c — the functions catalog queries call (format_type, pg_get_expr, pg_table_is_visible ...).
 */
#include "backend/sqlite_internal.h"

int sqlite_register_catalog(sqlite3 *db, engine_conn *c)
{
    (void)db;
    (void)c;
    return SQLITE_OK;
}
