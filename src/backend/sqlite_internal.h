/*
 * sqlite_internal.h — shared by the SQLite engine files: the connection object and the
 * registration of our engine functions (pgw_*), which give SQLite PostgreSQL's semantics
 * for the storage forms of types.h.
 */
#ifndef PGWIRE_SQLITE_INTERNAL_H
#define PGWIRE_SQLITE_INTERNAL_H

#include "backend/backend_internal.h"

#include <sqlite3.h>

/* Every connection to a database file, the checkpointer's included, uses SQLite's
 * `unix-excl` VFS: the server is the only process that opens its files, so the WAL-index
 * locks are taken in memory instead of with fcntl() per read transaction. */
#define SQLITE_VFS "unix-excl"

typedef struct sqlite_conn {
    sqlite3 *db;
    int64_t busy_since_us;
    int64_t deadlock_timeout_us;
    sqlite3_stmt *nextval_stmt;    /* SELECT of a sequence's row (sqlite_fn_sequence.c) */
    sqlite3_stmt *currval_stmt;    /* UPDATE of it */
    /* Transaction control, prepared once per connection: BEGIN/COMMIT run for every
     * transaction, and parsing them each time was a tenth of a short query's cost. */
    sqlite3_stmt *begin_read_stmt, *begin_write_stmt, *commit_stmt, *rollback_stmt;
    struct hnsw_conn *hnsw;        /* vector index work of the open transaction (sqlite_hnsw.c) */
} sqlite_conn;

void sqlite_error(engine_conn *c, int rc, pg_error *err);

/* sqlite_checkpoint.c: WAL checkpoints on a thread per database instead of in the COMMIT
 * that crossed the threshold.  attach: on a newly opened connection (`path` its file). */
void sqlite_checkpointer_attach(engine_conn *c, const char *path);
void sqlite_checkpointer_stop(engine_db *db);
bool sqlite_is_sqlstate(const char *s);

/* Register every pgw_* function, collation and table-valued function on a connection. */
bool sqlite_register_functions(engine_conn *c, pg_error *err);

/* Groups, one per file (sqlite_fn_*.c). */
int sqlite_register_core(sqlite3 *db, engine_conn *c);
int sqlite_register_text(sqlite3 *db, engine_conn *c);
int sqlite_register_numeric(sqlite3 *db, engine_conn *c);
int sqlite_register_datetime(sqlite3 *db, engine_conn *c);
int sqlite_register_json(sqlite3 *db, engine_conn *c);
int sqlite_register_series(sqlite3 *db, engine_conn *c);
int sqlite_register_array(sqlite3 *db, engine_conn *c);
int sqlite_register_catalog(sqlite3 *db, engine_conn *c);
int sqlite_register_vector(sqlite3 *db, engine_conn *c);
int sqlite_register_agg(sqlite3 *db, engine_conn *c);
int sqlite_register_session(sqlite3 *db, engine_conn *c);
int sqlite_register_sequence(sqlite3 *db, engine_conn *c);

/* Every group, in registration order (sqlite_register_functions runs them; a unit test checks
 * that no two register the same function name). */
typedef int (*sqlite_function_group)(sqlite3 *db, engine_conn *c);
extern const sqlite_function_group sqlite_function_groups[];
extern const size_t sqlite_function_groups_len;

/* Helpers for function bodies. */
engine_context *sqlite_fn_context(sqlite3_context *ctx);
/* Report a PostgreSQL error from inside a function: "SQLSTATE:message". */
void sqlite_fn_error(sqlite3_context *ctx, const char *sqlstate, const char *fmt, ...) PRINTF_LIKE(3, 4);
void sqlite_fn_pg_error(sqlite3_context *ctx, pg_error *err);
/* An argument as a storage value (pointers valid during the call). */
void sqlite_fn_value(sqlite3_value *v, sql_value *out);
/* Set the result from a storage value. */
void sqlite_fn_result(sqlite3_context *ctx, const sql_value *v);
/* float4/float8 in the engine: a REAL, except NaN, which is the TEXT 'NaN' because SQLite
 * turns a NaN double into NULL (bind, result, storage).  As a TEXT, NaN sorts after every
 * number and equals itself, as PostgreSQL orders floats.  Every function that reads a float
 * argument reads it with sqlite_fn_float_arg; every float result goes out through
 * sqlite_fn_result_float (and sqlite_fn_result, sqlite_bind do the same for VALUE_FLOAT). */
#define SQLITE_FLOAT_NAN_TEXT "NaN"
double sqlite_fn_float_arg(sqlite3_value *v);
void sqlite_fn_result_float(sqlite3_context *ctx, double d);

#endif
