/*
 * sqlite_fn_vector.c — pgvector's distances and vector functions through the vector layer's kernels.
 */
#include "backend/sqlite_internal.h"

int sqlite_register_vector(sqlite3 *db, engine_conn *c)
{
    (void)db;
    (void)c;
    return SQLITE_OK;
}
