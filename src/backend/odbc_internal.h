/*
 * odbc_internal.h — shared by the ODBC engine files: the environment (one per backend), the
 * connection and statement objects, the driver families whose errors are told apart, and
 * the value conversions between ODBC C types and PostgreSQL storage forms (odbc_values.c).
 *
 * Invariants:
 *  - conn->active is the statement handle currently executing or fetching, or NULL; it is
 *    read and written under conn->active_lock, so that SQLCancel from another thread (cancel
 *    request, statement timeout) never touches a freed handle.
 *  - A statement's result description (columns, C types, row buffer) is rebuilt after each
 *    SQLExecute; parameter buffers live until the next bind or reset.
 */
#ifndef PGWIRE_ODBC_INTERNAL_H
#define PGWIRE_ODBC_INTERNAL_H

#include "backend/backend_internal.h"

#include <sql.h>
#include <sqlext.h>

/* Which driver is behind the connection: decides how its diagnostics are read. */
typedef enum {
    ODBC_DRIVER_OTHER = 0,
    ODBC_DRIVER_IRIS,        /* InterSystems IRIS: native error = SQLCODE */
    ODBC_DRIVER_POSTGRES,    /* psqlODBC: the server's SQLSTATE */
    ODBC_DRIVER_SQLITE,      /* sqliteodbc: native error = SQLite result code */
} odbc_driver;

typedef struct odbc_watch odbc_watch;

typedef struct odbc_env {
    SQLHENV env;
    /* Statement timeouts: a thread that SQLCancels statements past their deadline. */
    pthread_t watchdog;
    bool watchdog_started;
    pthread_mutex_t watch_lock;
    pthread_cond_t watch_cond;
    odbc_watch *watches;
    bool stopping;
    /* SQLDriverConnect one at a time: psqlODBC reads the process locale while it connects
     * (setlocale(LC_CTYPE, "") and then strchr on the string it returned), and a second
     * connect on another thread frees that string underneath it (ASan caught it with
     * two users logging in at once).  Connects are rare next to statements: pools keep them. */
    pthread_mutex_t connect_lock;
} odbc_env;

typedef struct odbc_conn {
    SQLHDBC dbc;
    odbc_driver driver;
    bool manual_commit;        /* inside an engine transaction (autocommit off) */
    int64_t changes;
    pthread_mutex_t active_lock;
    SQLHSTMT active;
    char dbms_name[64];
} odbc_conn;

/* One registered deadline (statement_timeout). */
struct odbc_watch {
    engine_conn *conn;
    int64_t deadline_us;
    odbc_watch *next;
};

typedef struct odbc_param {
    SQLSMALLINT c_type;
    SQLSMALLINT sql_type;
    SQLULEN column_size;
    SQLSMALLINT decimal_digits;
    SQLLEN indicator;
    union {
        SQLBIGINT i;
        double f;
        SQL_DATE_STRUCT date;
        SQL_TIMESTAMP_STRUCT ts;
    } fixed;
    strbuf bytes;              /* text or binary values */
} odbc_param;

typedef struct odbc_column {
    char name[128];
    SQLSMALLINT sql_type;
    SQLULEN size;
    SQLSMALLINT digits;
    SQLSMALLINT c_type;        /* what the value is fetched as */
    size_t offset;             /* in a row of the row buffer */
    size_t buflen;             /* bytes of the value slot */
    pg_oid expect;             /* PostgreSQL type wanted, 0 = by ODBC type */
    int32_t expect_typmod;
    strbuf scratch;            /* the converted value of the current row */
    strbuf raw;                /* long mode: the cell as SQLGetData returned it */
    SQLLEN raw_ind;
} odbc_column;

typedef struct odbc_stmt {
    SQLHSTMT hstmt;
    int nparams;
    odbc_param *params;
    bool executed;
    bool done;
    int ncols;
    odbc_column *cols;
    int nexpect;
    pg_oid *expect;
    int32_t *expect_typmods;
    /* Block fetch: rowset_size rows of row_len bytes, bound row-wise. */
    bool long_mode;            /* a long column: one row at a time with SQLGetData */
    SQLULEN rowset_size;
    size_t row_len;
    char *rows;
    SQLULEN fetched;
    SQLULEN current;           /* index of the current row in the block */
    SQLUSMALLINT *status;
} odbc_stmt;

/* odbc.c */
void odbc_diag_error(engine_conn *c, SQLSMALLINT handle_type, SQLHANDLE h, SQLRETURN rc, pg_error *err);
bool odbc_ok(SQLRETURN rc);
void odbc_set_active(engine_conn *c, SQLHSTMT h);
void odbc_watch_start(engine_conn *c);
void odbc_watch_stop(engine_conn *c);

/* odbc_connstr.c: connection strings (SQLDriverConnect's grammar, braces as MS-ODBCSTR). */
/* The value of attribute `key` (case-insensitive), braces removed and "}}" read as '}'. */
bool odbc_connstr_get(const char *cs, const char *key, char *out, size_t size);
/* Every attribute is `key=value` and every '{' closed: the string can take more attributes. */
bool odbc_connstr_valid(const char *cs);
/* `cs` without its credential attributes (UID, PWD, User, Username, User ID, Password), then
 * UID=<user>;PWD=<password>, each braced when needed.  NULL if `cs` is not valid or out of
 * memory.  The result holds the password: OPENSSL_cleanse it before free. */
char *odbc_connstr_with_login(const char *cs, const char *user, const char *password);

/* odbc_stmt.c */
bool odbc_prepare(engine_stmt *s, pg_error *err);
void odbc_finalize(engine_stmt *s);
void odbc_reset(engine_stmt *s, bool clear_bindings);
int odbc_param_count(engine_stmt *s);
bool odbc_bind(engine_stmt *s, int index, const sql_value *v, pg_error *err);
bool odbc_bind_typed(engine_stmt *s, int index, const sql_value *v, pg_oid type, int32_t typmod, pg_error *err);
void odbc_expect_columns(engine_stmt *s, int n, const pg_oid *types, const int32_t *typmods);
engine_step_result odbc_step(engine_stmt *s, pg_error *err);
int odbc_column_count(engine_stmt *s);
const char *odbc_column_name(engine_stmt *s, int col);
void odbc_column_value(engine_stmt *s, int col, sql_value *out);

/* odbc_values.c: ODBC C values ↔ storage forms. */
void odbc_param_from_value(odbc_param *p, const sql_value *v, pg_oid type, odbc_driver driver);
void odbc_choose_c_type(odbc_column *col);
/* The current cell (bytes at `data`, indicator `ind`) as a storage value of the column. */
void odbc_cell_value(odbc_column *col, const char *data, SQLLEN ind, sql_value *out);
int64_t odbc_days_from_date(int year, int month, int day);
void odbc_date_from_days(int64_t days, int *year, int *month, int *day);

#endif
